"""The observatory's permission names, without side effects: modules loaded with the models (the
publication's) check them, while `access_rules` grants them and registers the menu from the app's ready()."""

REFRESH_WAREHOUSE = "observatory.refresh_warehouse"
PUBLISH_OPEN_DATA = "observatory.publish_open_data"
