"""How grants enter the one access mechanism, and the object rules beyond it (DESIGN.md "permissions beside
the rules"): used by services, pages and API alike.

Personas: the **grants officer** (administrator or programme manager of the call's organisation) sets up
calls, screens, assigns and manages agreements; the **committee** (the call organisation's programme managers)
decides; a **reviewer** (grant reviewer, listed on the call) sees an application only through an assignment
on which they declared no conflict; an **applicant** (a member of the applicant organisation) sees and edits
their organisation's applications only; **donors and analysts** read aggregates.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import pgettext_lazy

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.core.pages import navigation
from kafaat.grants import workflows
from kafaat.grants.models import Agreement, Application, Assignment, Call, Report
from kafaat.grants.workflows import Actor

MANAGE_CALLS = "grants.manage_calls"  # set up calls, screen, assign, agreements, tranches, reports
DECIDE = "grants.decide"  # the evaluation committee
APPLY = "grants.apply"  # apply for the organisation, report on its grants
REVIEW = "grants.review"  # review the applications assigned
VIEW_AGGREGATES = "grants.view_aggregates"  # the donor's and analyst's figures

access.register_scope(Call, organisation_field="organisation", territory_field=None)
access.register_scope(
    Application,
    organisation_field=lambda org: Q(call__organisation_id=org) | Q(organisation_id=org),
    territory_field="territory",
)
access.register_scope(
    Agreement,
    organisation_field=lambda org: (
        Q(application__call__organisation_id=org) | Q(application__organisation_id=org)
    ),
    territory_field="application__territory",
)

for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
    access.grant(role, MANAGE_CALLS, Reach.OWN_ORGANISATION)
access.grant(Role.PROGRAMME_MANAGER, DECIDE, Reach.OWN_ORGANISATION)
access.grant(Role.GRANT_APPLICANT, APPLY, Reach.OWN_ORGANISATION)
access.grant(Role.GRANT_REVIEWER, REVIEW, Reach.OWN_ORGANISATION)
for role in (Role.DONOR_VIEWER, Role.ANALYST, Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR):
    access.grant(role, VIEW_AGGREGATES, Reach.TERRITORY)


def _has_role_in(user, permission: str, organisation_id: int) -> bool:
    if user.is_superuser:
        return True
    return access.organisations_where(user, permission).filter(pk=organisation_id).exists()


def can_manage_call(user, call: Call) -> bool:
    """The call's grants officers (or a national administrator)."""
    return _has_role_in(user, MANAGE_CALLS, call.organisation_id)


def can_decide(user, call: Call) -> bool:
    """The evaluation committee: the call organisation's programme managers (or a national administrator)."""
    return _has_role_in(user, DECIDE, call.organisation_id)


def can_view_call(user, call: Call) -> bool:
    """A published call is public to every signed-in user (applicants find it); a draft to its officers."""
    return call.status != Call.Status.DRAFT or can_manage_call(user, call)


def is_applicant_of(user, application: Application) -> bool:
    """A member of the applicant organisation with the applicant role (a national administrator is not one:
    they oversee calls, they do not write applications)."""
    if user.is_superuser:
        return False
    return access.organisations_where(user, APPLY).filter(pk=application.organisation_id).exists()


def reviewer_may_open(user, application: Application) -> bool:
    """A reviewer opens an application only through an assignment on which they declared no conflict."""
    return Assignment.objects.filter(
        application=application, reviewer=user, status__in=Assignment.OPEN
    ).exists()


def can_view_application(user, application: Application) -> bool:
    """Officers and committee of the call, the applicant organisation's members, a cleared reviewer.
    A reviewer who declared a conflict, or is not assigned, does not see it (404)."""
    return (
        can_manage_call(user, application.call)
        or can_decide(user, application.call)
        or is_applicant_of(user, application)
        or reviewer_may_open(user, application)
    )


def can_edit_application(user, application: Application) -> bool:
    """The applicant organisation's members, while the procedure's state lets the applicant write."""
    return is_applicant_of(user, application) and workflows.state_of(application).applicant_edits


def sees_applicant_identity(user, application: Application) -> bool:
    """Blind review hides who applied from reviewers (officers, committee and the applicant see it)."""
    if not application.call.blind_review:
        return True
    return (
        can_manage_call(user, application.call)
        or can_decide(user, application.call)
        or is_applicant_of(user, application)
    )


def may_review(reviewer, application: Application) -> bool:
    """May this person be assigned at all: a grant reviewer listed on the call, not a member of the applicant
    organisation or of one of its partners."""
    if not application.call.reviewers.filter(pk=reviewer.pk).exists():
        return False
    excluded = {application.organisation_id, *application.partners.values_list("pk", flat=True)}
    return not reviewer.memberships.filter(is_active=True, organisation_id__in=excluded).exists()


def can_declare(user, assignment: Assignment) -> bool:
    return assignment.reviewer_id == user.pk and assignment.status == Assignment.Status.ASSIGNED


def can_score(user, assignment: Assignment) -> bool:
    return assignment.reviewer_id == user.pk and assignment.status == Assignment.Status.CLEARED


def can_report(user, report: Report) -> bool:
    """The grantee writes its reports until they are accepted."""
    return is_applicant_of(user, report.agreement.application) and report.status in (
        Report.Status.DUE,
        Report.Status.RETURNED,
    )


def may_act(user, actor: str, application: Application) -> bool:
    """May this user take a transition declared for `actor` (workflows.Actor) on the application."""
    if actor == Actor.APPLICANT:
        return is_applicant_of(user, application)
    if actor == Actor.OFFICER:
        return can_manage_call(user, application.call)
    if actor == Actor.COMMITTEE:
        return can_decide(user, application.call)
    return False


def available_transitions(user, application: Application) -> list[workflows.Transition]:
    """The transitions this user may take on the application now (its state, their rights; conditions aside:
    the page shows a refused condition's reason when the user tries)."""
    procedure = workflows.procedure_of(application)
    return [
        t
        for t in procedure.transitions
        if application.status in t.sources and may_act(user, t.actor, application)
    ]


navigation.register_group("programme", pgettext_lazy("menu", "Projects"))  # also by results
