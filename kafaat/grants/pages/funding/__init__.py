"""The grants pages of the funding part (urls.py); `ready()` registers its menus and home panels."""


def ready() -> None:
    """Called once from GrantsConfig.ready."""
    from django.utils.translation import gettext_lazy as _

    from kafaat.core import jobs
    from kafaat.core.models import Role
    from kafaat.core.pages import home, navigation
    from kafaat.grants.access_rules import APPLY, MANAGE_CALLS, VIEW_AGGREGATES
    from kafaat.grants.pages.funding import home as panels
    from kafaat.grants.services import reports

    jobs.register(
        jobs.JobKind(name=reports.JOB_KIND, label=_("Grant report reminders"), run=reports.reminders_job)
    )

    navigation.register(
        navigation.NavItem(_("Grant agreements"), "grants:agreements", MANAGE_CALLS, group="programme")
    )
    navigation.register(
        navigation.NavItem(_("My grants"), "grants:my_grants", APPLY, group="programme", members_only=True)
    )
    navigation.register(
        navigation.NavItem(_("Grants: figures"), "grants:figures", VIEW_AGGREGATES, group="programme")
    )
    home.register(
        home.HomePanel(
            key="grants-funding-officer",
            title=_("Grants: agreements and reports"),
            template="grants/funding/home/_officer.html",
            figures_of=panels.officer_figures,
            roles=frozenset({Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER}),
            superuser=True,
            order=60,
        )
    )
    home.register(
        home.HomePanel(
            key="grants-funding-grantee",
            title=_("Grants: reports due"),
            template="grants/funding/home/_grantee.html",
            figures_of=panels.grantee_figures,
            roles=frozenset({Role.GRANT_APPLICANT}),
            order=60,
        )
    )
