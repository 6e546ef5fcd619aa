"""Who may refresh the warehouse: administrators and programme managers; a menu entry for them. Who may
publish open data; the regional dashboard's menu entry.

The dashboard's entry: who sees it is `gaps.may_read` (every role that reads aggregates: programme managers,
analysts, donor viewers; national administrators), limited to `gaps.visible_regions` (a membership scoped to a
region sees that region and its provinces, not the national map); exact figures for `gaps.sees_exact_figures`
(those who may refresh the warehouse), the published form (small counts suppressed) for everyone else — the
same rules as the observatory's API and publication. (Moved from ``dashboard_rules.py``.)
"""

from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Permission
from kafaat.core.models import Role
from kafaat.core.pages import navigation
from kafaat.observatory.permissions import PUBLISH_OPEN_DATA, REFRESH_WAREHOUSE

access.grant(Role.ADMINISTRATOR, REFRESH_WAREHOUSE, access.Reach.OWN_ORGANISATION)
access.grant(Role.PROGRAMME_MANAGER, REFRESH_WAREHOUSE, access.Reach.OWN_ORGANISATION)

# One drop-down of the menu: the dashboard first, then the open data, publishing them, the warehouse.
navigation.register_group("observatory", _("Observatory"))
navigation.register(
    navigation.NavItem(
        _("Observatory"), "observatory:dashboard", Permission.VIEW_AGGREGATES, group="observatory"
    )
)
navigation.register(navigation.NavItem(_("Open data"), "open_data:index", group="observatory"))

# Publishing open data: analysts, for the regions of their territorial scope (national scope: the country).
access.grant(Role.ANALYST, PUBLISH_OPEN_DATA, access.Reach.TERRITORY)
navigation.register(
    navigation.NavItem(_("Publish open data"), "open_data:publish", PUBLISH_OPEN_DATA, group="observatory")
)
navigation.register(
    navigation.NavItem(_("Warehouse"), "observatory:warehouse", REFRESH_WAREHOUSE, group="observatory")
)
