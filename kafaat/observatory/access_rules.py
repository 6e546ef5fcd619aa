"""Who may refresh the warehouse: administrators and programme managers; a menu entry for them."""

from django.utils.translation import gettext_lazy as _

from kafaat.core import access, navigation
from kafaat.core.models import Role

REFRESH_WAREHOUSE = "observatory.refresh_warehouse"

access.grant(Role.ADMINISTRATOR, REFRESH_WAREHOUSE, access.Reach.OWN_ORGANISATION)
access.grant(Role.PROGRAMME_MANAGER, REFRESH_WAREHOUSE, access.Reach.OWN_ORGANISATION)

navigation.register(navigation.NavItem(_("Warehouse"), "observatory:warehouse", REFRESH_WAREHOUSE))

# Publishing open data: analysts, for the regions of their territorial scope (national scope: the country).
PUBLISH_OPEN_DATA = "observatory.publish_open_data"
access.grant(Role.ANALYST, PUBLISH_OPEN_DATA, access.Reach.TERRITORY)
navigation.register(navigation.NavItem(_("Open data"), "open_data:index"))
navigation.register(navigation.NavItem(_("Publish open data"), "open_data:publish", PUBLISH_OPEN_DATA))
