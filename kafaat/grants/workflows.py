"""The calls' procedures, declared as data (DESIGN.md "workflows are data"; ADR 0033).

A procedure is a set of states, each with the name staff see and the public name the applicant sees, and
transitions: a name, the states it leaves, the state it enters, who may take it (an actor, resolved to a
predicate of `access_rules`), and the condition it needs (a function of `conditions` giving the reason it is
refused, or None). A call names its procedure (`Call.procedure`); services perform a transition by name
(`services.transition`), check it, record who and when (`Transition` rows) and audit it; pages and API list
the transitions the user may take now with `access_rules.available_transitions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kafaat.grants import conditions
from kafaat.grants.models import Application, Call, Stage

Condition = Callable[[Application], "str | Promise | None"]


class Actor:
    """Who may take a transition (resolved by access_rules.may_act)."""

    APPLICANT = "applicant"  # a member of the applicant organisation
    OFFICER = "officer"  # a grants officer of the call's organisation
    COMMITTEE = "committee"  # the evaluation committee (the call organisation's programme managers)


@dataclass(frozen=True)
class State:
    key: str
    label: str | Promise  # for staff
    public: str | Promise  # what the applicant sees
    stage: str = Stage.FULL
    applicant_edits: bool = False  # the applicant may change the application in this state
    final: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    actor: str
    condition: Condition | None = None
    needs_reason: bool = False  # the page asks for a reason (recorded on the transition and the decision)


@dataclass(frozen=True)
class Procedure:
    key: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str

    def state(self, key: str) -> State:
        return next(s for s in self.states if s.key == key)

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)


_UNDER_EVALUATION = pgettext_lazy("application, public", "Under evaluation")
_NOT_RETAINED = pgettext_lazy("application, public", "Not retained")

# Shared by both procedures: the end of an award.
_AWARDED = State("awarded", _("Awarded"), pgettext_lazy("application, public", "Selected for a grant"))
_CONTRACTED = State(
    "contracted", _("Agreement signed"), pgettext_lazy("application, public", "Grant agreement signed")
)
_CLOSED = State("closed", _("Grant closed"), pgettext_lazy("application, public", "Grant closed"), final=True)
_WITHDRAWN = State(
    "withdrawn",
    pgettext_lazy("application status", "Withdrawn by the applicant"),
    pgettext_lazy("application, public", "Withdrawn"),
    final=True,
)
_RESERVE = State("reserve", _("Reserve list"), pgettext_lazy("application, public", "Reserve list"))
_REJECTED = State("rejected", _("Not retained"), _NOT_RETAINED, final=True)

_CONTRACT = Transition(
    "contract",
    _("Record the signed agreement"),
    ("awarded",),
    "contracted",
    Actor.OFFICER,
    conditions.agreement_signed,
)
_CLOSE = Transition(
    "close", _("Close the grant"), ("contracted",), "closed", Actor.OFFICER, conditions.grant_completed
)

OPEN = Procedure(
    key=Call.Procedure.OPEN,
    initial="draft",
    states=(
        State("draft", _("Draft"), pgettext_lazy("application, public", "Draft"), applicant_edits=True),
        State(
            "submitted",
            _("Submitted: eligibility to check"),
            pgettext_lazy("application, public", "Submitted"),
        ),
        State("eligible", _("Eligible: in review"), _UNDER_EVALUATION),
        State(
            "ineligible", _("Not eligible"), pgettext_lazy("application, public", "Not eligible"), final=True
        ),
        _AWARDED,
        _RESERVE,
        _REJECTED,
        _CONTRACTED,
        _CLOSED,
        _WITHDRAWN,
    ),
    transitions=(
        Transition(
            "submit",
            _("Submit the application"),
            ("draft",),
            "submitted",
            Actor.APPLICANT,
            conditions.ready_to_submit,
        ),
        Transition(
            "withdraw",
            _("Withdraw the application"),
            ("draft", "submitted", "eligible", "reserve"),
            "withdrawn",
            Actor.APPLICANT,
        ),
        Transition(
            "declare_eligible",
            _("Declare eligible"),
            ("submitted",),
            "eligible",
            Actor.OFFICER,
            conditions.all_criteria_met,
        ),
        Transition(
            "declare_ineligible",
            _("Declare not eligible"),
            ("submitted",),
            "ineligible",
            Actor.OFFICER,
            conditions.some_criterion_failed,
            needs_reason=True,
        ),
        Transition(
            "award",
            _("Award"),
            ("eligible", "reserve"),
            "awarded",
            Actor.COMMITTEE,
            conditions.reviews_complete,
            needs_reason=True,
        ),
        Transition(
            "put_on_reserve",
            _("Put on the reserve list"),
            ("eligible",),
            "reserve",
            Actor.COMMITTEE,
            conditions.reviews_complete,
            needs_reason=True,
        ),
        Transition(
            "reject",
            _("Reject"),
            ("eligible", "reserve"),
            "rejected",
            Actor.COMMITTEE,
            conditions.reviews_complete,
            needs_reason=True,
        ),
        _CONTRACT,
        _CLOSE,
    ),
)

RESTRICTED = Procedure(
    key=Call.Procedure.RESTRICTED,
    initial="draft",
    states=(
        State(
            "draft",
            _("Concept note: draft"),
            pgettext_lazy("application, public", "Concept note: draft"),
            stage=Stage.CONCEPT,
            applicant_edits=True,
        ),
        State(
            "concept_submitted",
            _("Concept note submitted: eligibility to check"),
            pgettext_lazy("application, public", "Concept note submitted"),
            stage=Stage.CONCEPT,
        ),
        State(
            "concept_eligible", _("Concept note eligible: in review"), _UNDER_EVALUATION, stage=Stage.CONCEPT
        ),
        State(
            "concept_ineligible",
            _("Concept note not eligible"),
            pgettext_lazy("application, public", "Not eligible"),
            stage=Stage.CONCEPT,
            final=True,
        ),
        State(
            "concept_rejected", _("Concept note not retained"), _NOT_RETAINED, stage=Stage.CONCEPT, final=True
        ),
        State(
            "shortlisted",
            _("Shortlisted: full application being written"),
            pgettext_lazy("application, public", "Shortlisted: full application to submit"),
            applicant_edits=True,
        ),
        State("full_submitted", _("Full application submitted: in review"), _UNDER_EVALUATION),
        State(
            "provisionally_selected",
            _("Provisionally selected: supporting documents to check"),
            pgettext_lazy(
                "application, public", "Provisionally selected: supporting documents being checked"
            ),
        ),
        _AWARDED,
        _RESERVE,
        _REJECTED,
        _CONTRACTED,
        _CLOSED,
        _WITHDRAWN,
    ),
    transitions=(
        Transition(
            "submit_concept",
            _("Submit the concept note"),
            ("draft",),
            "concept_submitted",
            Actor.APPLICANT,
            conditions.ready_to_submit,
        ),
        Transition(
            "withdraw",
            _("Withdraw the application"),
            ("draft", "concept_submitted", "concept_eligible", "shortlisted", "full_submitted", "reserve"),
            "withdrawn",
            Actor.APPLICANT,
        ),
        Transition(
            "declare_eligible",
            _("Declare eligible"),
            ("concept_submitted",),
            "concept_eligible",
            Actor.OFFICER,
            conditions.all_criteria_met,
        ),
        Transition(
            "declare_ineligible",
            _("Declare not eligible"),
            ("concept_submitted",),
            "concept_ineligible",
            Actor.OFFICER,
            conditions.some_criterion_failed,
            needs_reason=True,
        ),
        Transition(
            "shortlist",
            _("Shortlist"),
            ("concept_eligible",),
            "shortlisted",
            Actor.COMMITTEE,
            conditions.reviews_complete,
            needs_reason=True,
        ),
        Transition(
            "reject_concept",
            _("Reject the concept note"),
            ("concept_eligible",),
            "concept_rejected",
            Actor.COMMITTEE,
            conditions.reviews_complete,
            needs_reason=True,
        ),
        Transition(
            "submit",
            _("Submit the full application"),
            ("shortlisted",),
            "full_submitted",
            Actor.APPLICANT,
            conditions.ready_to_submit,
        ),
        Transition(
            "select_provisionally",
            _("Select provisionally"),
            ("full_submitted", "reserve"),
            "provisionally_selected",
            Actor.COMMITTEE,
            conditions.reviews_complete,
            needs_reason=True,
        ),
        Transition(
            "put_on_reserve",
            _("Put on the reserve list"),
            ("full_submitted",),
            "reserve",
            Actor.COMMITTEE,
            conditions.reviews_complete,
            needs_reason=True,
        ),
        Transition(
            "reject",
            _("Reject"),
            ("full_submitted", "reserve"),
            "rejected",
            Actor.COMMITTEE,
            conditions.reviews_complete,
            needs_reason=True,
        ),
        Transition(
            "award",
            _("Documents verified: award"),
            ("provisionally_selected",),
            "awarded",
            Actor.OFFICER,
            conditions.documents_verified,
        ),
        Transition(
            "reject_after_checks",
            _("Documents not conforming: reject"),
            ("provisionally_selected",),
            "rejected",
            Actor.OFFICER,
            conditions.documents_refused,
            needs_reason=True,
        ),
        _CONTRACT,
        _CLOSE,
    ),
)

PROCEDURES: dict[str, Procedure] = {OPEN.key: OPEN, RESTRICTED.key: RESTRICTED}


def procedure_of(application_or_call: Application | Call) -> Procedure:
    call = application_or_call if isinstance(application_or_call, Call) else application_or_call.call
    return PROCEDURES[call.procedure]


def state_of(application: Application) -> State:
    return procedure_of(application).state(application.status)


def stage_of(application: Application) -> str:
    """The stage the application is in (its concept note, or its full application)."""
    return state_of(application).stage
