"""The menu entry of the regional dashboard.

Who sees it is `gaps.may_read` (every role that reads aggregates: programme managers, analysts, donor viewers;
national administrators), limited to `gaps.visible_regions` (a membership scoped to a region sees that
region and its provinces, not the national map); exact figures for `gaps.sees_exact_figures` (those who may
refresh the warehouse), the published form (small counts suppressed) for everyone else — the same rules as
the observatory's API and publication.
"""

from django.utils.translation import gettext_lazy as _

from kafaat.core import navigation
from kafaat.core.access import Permission

navigation.register(navigation.NavItem(_("Observatory"), "observatory:dashboard", Permission.VIEW_AGGREGATES))
