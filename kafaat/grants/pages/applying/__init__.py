"""The grants pages of the applying part (urls.py); `ready()` registers its menus and home panels."""


def ready() -> None:
    """Called once from GrantsConfig.ready: the calls (for their officers) and the applicant's applications,
    with the applicant's home panel."""
    from django.utils.translation import gettext_lazy as _

    from kafaat.core.pages import navigation
    from kafaat.grants.access_rules import APPLY, MANAGE_CALLS
    from kafaat.grants.pages.applying import home

    # In the menu of those concerned only (the national administrator's menu is full: one row at 1,366 px);
    # the list itself is open to every signed-in user, and the applicant reaches it from "My applications"
    # and the home panel.
    navigation.register(
        navigation.NavItem(_("Calls for proposals"), "grants:calls", MANAGE_CALLS, group="programme")
    )
    navigation.register(
        navigation.NavItem(
            _("My applications"), "grants:applications", APPLY, group="programme", members_only=True
        )
    )
    home.register()  # the applicant's panel: the applications to finish, nearest deadline first
