"""The reviewer's home panel ("what is due": assignments to declare and to score, per call, with the deadline)
and the review's menu entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kafaat.core.models import Role
from kafaat.core.pages import home, navigation
from kafaat.grants.access_rules import MANAGE_CALLS, REVIEW
from kafaat.grants.services import assignment


def due(user) -> list[dict] | None:
    rows = assignment.due_for(user)
    return rows or None


def register() -> None:
    navigation.register(
        navigation.NavItem(
            _("Reviews to do"), "grants:review_queue", REVIEW, group="programme", members_only=True
        )
    )
    navigation.register(
        navigation.NavItem(_("Evaluation of calls"), "grants:review_calls", MANAGE_CALLS, group="programme")
    )
    home.register(
        home.HomePanel(
            key="grants-reviews",
            title=_("Grant applications to review"),
            template="grants/reviewing/home/_due.html",
            figures_of=due,
            roles=frozenset({Role.GRANT_REVIEWER}),
            order=40,
        )
    )
