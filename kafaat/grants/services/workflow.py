"""Take a transition of an application's procedure (workflows.py) by name: who may, the state it leaves and
its condition are checked; the move is recorded (`Transition`), audited and, for the committee's
and officer's decisions, written as the stage's `Decision` with its reason."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.grants import access_rules, workflows
from kafaat.grants.models import Application, Decision, Stage, Transition

# The transitions that are a decision on the application, and the outcome each records (those that take a
# reason: the restricted procedure's `award` after the documents are checked keeps the committee's decision).
DECISIONS = {
    "shortlist": (Stage.CONCEPT, Decision.Outcome.SHORTLISTED),
    "reject_concept": (Stage.CONCEPT, Decision.Outcome.REJECTED),
    "select_provisionally": (Stage.FULL, Decision.Outcome.AWARDED),
    "award": (Stage.FULL, Decision.Outcome.AWARDED),
    "put_on_reserve": (Stage.FULL, Decision.Outcome.RESERVE),
    "reject": (Stage.FULL, Decision.Outcome.REJECTED),
    "reject_after_checks": (Stage.FULL, Decision.Outcome.REJECTED),
}
SUBMISSIONS = ("submit", "submit_concept")


class TransitionRefused(ValidationError):
    """A transition that may not be taken now: its message says why, in the user's language (a 400/409 for
    the API, a message on the page); nothing was changed."""


@transaction.atomic
def transition(
    user, application: Application, name: str, *, reason: str = "", amount: Decimal | None = None,
    rank: int | None = None,
) -> Application:  # fmt: skip
    """Move the application along its procedure. A user who may not see the application gets a 404 (as for
    any out-of-scope id); one who sees it but may not take this transition gets a 403 (`access.Refused`);
    a transition unknown, not from this state, refused by its condition, or missing its reason raises
    `TransitionRefused`."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if not access_rules.can_view_application(user, application):
        raise access.OutOfScope(Application, application.pk)
    procedure = workflows.procedure_of(application)
    step = procedure.transition(name)
    if step is None:
        raise TransitionRefused({"transition": [_("Unknown transition: %(name)s.") % {"name": name[:40]}]})
    if not access_rules.may_act(user, step.actor, application):
        raise access.Refused("grants.transition", application)
    if application.status not in step.sources:
        state = procedure.state(application.status)
        raise TransitionRefused(
            {
                "transition": [
                    _("An application that is “%(state)s” cannot be moved this way.") % {"state": state.label}
                ]
            }
        )
    refusal = step.condition(application) if step.condition else None
    if refusal:
        raise TransitionRefused({"transition": [str(refusal)]})
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise TransitionRefused({"reason": [_("Give the reason for this decision.")]})
    source, now = application.status, timezone.now()
    application.status = step.target
    if name == "submit_concept":
        application.concept_submitted_at = now
    elif name == "submit":
        application.submitted_at = now
    application.save(update_fields=["status", "concept_submitted_at", "submitted_at", "updated_at"])
    Transition.objects.create(application=application, name=name, source=source, target=step.target,
                              note=reason, by=user)  # fmt: skip
    if name in DECISIONS and step.needs_reason:  # not the officer's award once the documents are checked
        stage, outcome = DECISIONS[name]
        Decision.objects.update_or_create(
            application=application, stage=stage,
            defaults={"outcome": outcome, "reason": reason, "decided_by": user, "amount": amount,
                      "rank": rank, "letter_sent_at": None},
        )  # fmt: skip
    audit.record(audit.Action.UPDATE, user, application,
                 details={"transition": name, "from": source, "to": step.target})  # fmt: skip
    return application
