"""The applicant's home panel (registered from the applying pages' ready()): the organisation's applications
the applicant can still act on, the nearest deadline first, with their public status."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import Role
from kafaat.core.pages import home
from kafaat.grants import access_rules, workflows
from kafaat.grants.services import applications

SHOWN = 8


@dataclass(frozen=True)
class Row:
    application: object
    public: str
    deadline: object
    overdue: bool


@dataclass(frozen=True)
class Applicant:
    to_act_on: int
    rows: list[Row]


def applicant(actor) -> Applicant | None:
    """None unless the user applies for an organisation."""
    if not applications.applicant_organisations(actor).exists():
        return None
    now, rows = timezone.now(), []
    for application in applications.my_applications(actor)[:200]:
        if access_rules.can_edit_application(actor, application):
            deadline = applications.deadline_of(application)
            overdue = deadline is not None and deadline < now
            rows.append(Row(application, str(workflows.state_of(application).public), deadline, overdue))
    rows.sort(key=lambda row: (row.overdue, row.deadline or now))
    return Applicant(len(rows), rows[:SHOWN])


def register() -> None:
    home.register(
        home.HomePanel(
            key="grants-applications",
            title=_("Grants: applications to finish"),
            template="grants/applying/home/_applicant.html",
            figures_of=applicant,
            roles=frozenset({Role.GRANT_APPLICANT}),
            order=40,
        )
    )
