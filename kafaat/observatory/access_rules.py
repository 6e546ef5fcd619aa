"""Who may refresh the warehouse: administrators and programme managers; a menu entry for them."""

from django.utils.translation import gettext_lazy as _

from kafaat.core import access, navigation
from kafaat.core.models import Role

REFRESH_WAREHOUSE = "observatory.refresh_warehouse"

access.grant(Role.ADMINISTRATOR, REFRESH_WAREHOUSE, access.Reach.OWN_ORGANISATION)
access.grant(Role.PROGRAMME_MANAGER, REFRESH_WAREHOUSE, access.Reach.OWN_ORGANISATION)

navigation.register(navigation.NavItem(_("Warehouse"), "observatory:warehouse", REFRESH_WAREHOUSE))
