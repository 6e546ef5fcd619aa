"""Who may read and change employers, vacancies and surveys, and the menu entries.

Not personal data: members read them throughout their territorial scope (analysts included, who also see the
survey aggregates); only the organisation that entered a record may change it or code its occupation.
Donors see published aggregates only (the observatory), not these records.
"""

from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.core.pages import navigation
from kafaat.labour.models import Employer, Occupation, Sector, Survey, SurveyResponse, Vacancy

VIEW_LABOUR = "labour.view_labour"
CHANGE_LABOUR = "labour.change_labour"

access.register_scope(Employer, organisation_field="organisation", territory_field="territory")
access.register_scope(Vacancy, organisation_field="organisation", territory_field="territory")
access.register_scope(Survey, organisation_field="organisation", territory_field="territory")
access.register_scope(
    SurveyResponse, organisation_field="organisation", territory_field="employer__territory"
)
access.register_scope(Occupation, organisation_field=None, territory_field="")  # reference data
access.register_scope(Sector, organisation_field=None, territory_field="")

for role in (
    Role.ADMINISTRATOR,
    Role.PROGRAMME_MANAGER,
    Role.CASE_WORKER,
    Role.ANALYST,
    Role.ESTABLISHMENT_MANAGER,
):
    access.grant(role, VIEW_LABOUR, Reach.TERRITORY)
for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.CASE_WORKER):
    access.grant(role, CHANGE_LABOUR, Reach.OWN_ORGANISATION)

navigation.register_group("labour", _("Labour market"))
navigation.register(navigation.NavItem(_("Vacancies"), "labour:vacancies", VIEW_LABOUR, group="labour"), 4)
navigation.register(navigation.NavItem(_("Employers"), "labour:employers", VIEW_LABOUR, group="labour"), 5)
navigation.register(navigation.NavItem(_("Surveys"), "labour:surveys", VIEW_LABOUR, group="labour"), 6)
