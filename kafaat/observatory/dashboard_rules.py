"""Who sees the observatory's regional dashboard, and who sees its figures exact.

Every role that reads aggregates (programme managers, analysts, donor viewers) and administrators see the
dashboard; the figures are territorial aggregates, so the whole country whatever the membership's scope.
Administrators and programme managers see exact figures; analysts and donor viewers the published form
(small counts suppressed, like the open-data package). Case workers, grant reviewers and establishment
managers do not see it. A menu entry for those who do.
"""

from django.utils.translation import gettext_lazy as _

from kafaat.core import access, navigation
from kafaat.core.models import Role

VIEW_DASHBOARD = "observatory.view_dashboard"
VIEW_EXACT_GAPS = "observatory.view_exact_gaps"

for _role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.ANALYST, Role.DONOR_VIEWER):
    access.grant(_role, VIEW_DASHBOARD, access.Reach.TERRITORY)
for _role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
    access.grant(_role, VIEW_EXACT_GAPS, access.Reach.TERRITORY)

navigation.register(navigation.NavItem(_("Observatory"), "observatory:dashboard", VIEW_DASHBOARD))
