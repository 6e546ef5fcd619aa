"""The grants pages of the applying part (urls.py); `ready()` registers its menus and home panels."""


def ready() -> None:
    """Called once from GrantsConfig.ready: the calls (everyone signed in reads the published ones) and the
    applicant's applications."""
    from django.utils.translation import gettext_lazy as _

    from kafaat.core.pages import navigation
    from kafaat.grants.access_rules import APPLY
    from kafaat.grants.pages.applying import home

    navigation.register(navigation.NavItem(_("Calls for proposals"), "grants:calls", group="grants"))
    navigation.register(
        navigation.NavItem(_("My applications"), "grants:applications", APPLY, group="grants")
    )
    home.register()  # the applicant's panel: the applications to finish, nearest deadline first
