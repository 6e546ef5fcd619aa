"""Recording pathway steps under their rules, referrals between organisations, timelines and caseloads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.access import Permission
from kafaat.core.models import Organisation, Project
from kafaat.pathways import due
from kafaat.pathways.catalogues import Catalogues
from kafaat.pathways.models import (
    PARENT_KIND,
    PARENT_REQUIRED,
    Participation,
    PlacementType,
    Step,
    StepKind,
    StepStatus,
)
from kafaat.registry import services as registry
from kafaat.registry.access_rules import CHANGE_PERSON, VIEW_PERSON
from kafaat.registry.models import Consent, Person

# The follow-ups due are rules of the caseload, written in pathways/due.py; their callers' names stay here.
FOLLOW_UP_MONTHS = due.FOLLOW_UP_MONTHS
DueItem, DueFollowUps, add_months = due.DueItem, due.DueFollowUps, due.add_months
due_follow_ups, due_follow_ups_page, due_follow_up_counts = (
    due.due_follow_ups,
    due.due_follow_ups_page,
    due.due_follow_up_counts,
)
# Fields a caller may set on a step, by kind; everything else is derived by the rules.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    StepKind.INTAKE: (),
    StepKind.ASSESSMENT: ("skill_level", "prior_learning_recognised"),
    StepKind.REFERRAL: ("referral_target", "target_organisation", "programme"),
    StepKind.ENROLMENT: ("programme", "cohort"),
    StepKind.DROPOUT: ("dropout_reason",),
    StepKind.COMPLETION: (),
    StepKind.CERTIFICATION: ("credential", "level"),
    StepKind.PLACEMENT: ("placement_type", "employer_name", "sector", "contract_type", "wage_band"),
    StepKind.FOLLOW_UP: ("follow_up_months", "still_employed", "income_band"),
}
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    StepKind.REFERRAL: ("referral_target",),
    StepKind.ENROLMENT: ("programme",),
    StepKind.DROPOUT: ("dropout_reason",),
    StepKind.CERTIFICATION: ("credential",),
    StepKind.PLACEMENT: ("placement_type",),
    StepKind.FOLLOW_UP: ("follow_up_months", "still_employed"),
}


def projects_for(actor) -> QuerySet[Project]:
    return access.scoped(actor, Permission.VIEW_PROJECT, Project.objects.filter(is_active=True))


def check_step(
    person: Person,
    kind: str,
    project: Project,
    on: date,
    parent: Step | None,
    fields: Mapping[str, Any],
    *,
    today: date | None = None,
    participation_exists: bool | None = None,
) -> dict[str, str]:
    """Every rule a new step must satisfy: the errors by field, empty when the step may be recorded."""
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    if kind not in StepKind.values:
        return {"kind": _("Unknown step.")}
    if on > today:
        errors["date"] = _("A step cannot be recorded in the future.")
    for name in REQUIRED_FIELDS.get(kind, ()):
        if fields.get(name) in (None, ""):
            errors[name] = _("This field is required.")
    if (
        kind == StepKind.REFERRAL
        and fields.get("referral_target") == "organisation"
        and not fields.get("target_organisation")
    ):
        errors["target_organisation"] = _("Choose the organisation the person is referred to.")
    if kind == StepKind.FOLLOW_UP and fields.get("follow_up_months") not in (None, "", *FOLLOW_UP_MONTHS):
        errors["follow_up_months"] = _("A follow-up is at 3, 6 or 12 months.")

    if parent is None and kind in PARENT_REQUIRED:
        errors["parent"] = _("Choose the step this one answers to.")
    if parent is not None:
        if parent.person_id != person.pk or parent.project_id != project.pk:
            errors["parent"] = _("The previous step belongs to another person or project.")
        elif parent.kind not in PARENT_KIND.get(kind, ()):
            errors["parent"] = _("A %(kind)s cannot follow a %(parent)s.") % {
                "kind": StepKind(kind).label,
                "parent": parent.get_kind_display(),
            }
        elif on < parent.date:
            errors["date"] = _("This step cannot precede the step it follows (%(date)s).") % {
                "date": parent.date.isoformat()
            }
        elif kind in (StepKind.DROPOUT, StepKind.COMPLETION) and parent.status != StepStatus.ONGOING:
            errors["parent"] = _("This enrolment has already ended (%(status)s).") % {
                "status": parent.get_status_display()
            }
        elif kind == StepKind.ENROLMENT and parent.status == StepStatus.DECLINED:
            errors["parent"] = _("This referral was declined.")

    if participation_exists is None:
        participation_exists = Participation.objects.filter(person=person, project=project).exists()
    if kind == StepKind.PLACEMENT and not participation_exists:
        errors["project"] = _("The person must take part in this project before a placement is recorded.")
    joined = (
        Participation.objects.filter(person=person, project=project)
        .values_list("joined_on", flat=True)
        .first()
        if participation_exists
        else None
    )
    if joined is not None and on < joined and kind != StepKind.INTAKE:
        errors["date"] = _("The person joined this project on %(date)s: no step can come earlier.") % {
            "date": joined.isoformat()
        }
    return errors


@transaction.atomic
def record_step(
    actor,
    person: Person,
    kind: str,
    *,
    project: Project,
    on: date,
    parent: Step | None = None,
    organisation: Organisation | None = None,
    outcome: str = "",
    external_id: str = "",
    **fields: Any,
) -> Step:
    """Record one step after checking the rules; an ending step closes its enrolment (`ending_status`), and
    a programme or employer named in the catalogues is linked (the text is kept either way)."""
    person = registry.get_person_for_change(actor, person.pk)
    organisation = organisation or registry.acting_organisation(actor, person)
    if not projects_for(actor).filter(pk=project.pk).exists():
        raise ValidationError({"project": _("Your organisation does not take part in this project.")})
    if parent is not None:
        # Re-read and lock: the caller's copy may be stale, and two dropouts must not end one enrolment twice.
        parent = Step.objects.select_for_update().filter(pk=parent.pk).first()
    unknown = set(fields) - set(KIND_FIELDS.get(kind, ()))
    if unknown:
        raise ValidationError({name: _("Not a field of this step.") for name in sorted(unknown)})
    errors = check_step(person, kind, project, on, parent, fields)
    consent = None
    if kind == StepKind.REFERRAL and fields.get("target_organisation") and not errors:
        consent = registry.active_sharing_consent(person, fields["target_organisation"])
        if consent is None:
            errors["target_organisation"] = _(
                "Record the person's consent to share their record with this organisation first."
            )
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})

    links = Catalogues(actor, organisation).links(fields)
    step = Step(
        person=person,
        organisation=organisation,
        project=project,
        kind=kind,
        date=on,
        parent=parent,
        outcome=outcome,
        external_id=external_id,
        recorded_by=actor,
        status=initial_status(kind),
        **fields,
        **links,
    )
    step.save()
    Participation.objects.get_or_create(
        person=person, project=project, defaults={"organisation": organisation, "joined_on": on}
    )
    ended = ending_status(kind, parent, fields)
    if ended:
        parent.status, parent.end_date = ended, on
        parent.save(update_fields=["status", "end_date"])
    audit.record(audit.Action.CREATE, actor, step, details={"kind": kind, "person": person.pk})
    return step


def ending_status(kind: str, parent: Step | None, fields: Mapping[str, Any]) -> str | None:
    """The status a new step gives the ongoing enrolment it answers to, or None when it leaves it as it is.

    A dropout ends it dropped out; a completion, a certification or a placement ends it completed (a person
    certified or in work is no longer in training), except an internship, which trainees often do during
    their training."""
    if parent is None or parent.kind != StepKind.ENROLMENT or parent.status != StepStatus.ONGOING:
        return None
    if kind == StepKind.DROPOUT:
        return StepStatus.DROPPED_OUT
    if kind in (StepKind.COMPLETION, StepKind.CERTIFICATION):
        return StepStatus.COMPLETED
    if kind == StepKind.PLACEMENT and fields.get("placement_type") != PlacementType.INTERNSHIP:
        return StepStatus.COMPLETED
    return None


def initial_status(kind: str) -> str:
    return {StepKind.REFERRAL: StepStatus.PENDING, StepKind.ENROLMENT: StepStatus.ONGOING}.get(
        kind, StepStatus.DONE
    )


# --- Referrals ----------------------------------------------------------------------------------------------


def referral_inbox(actor) -> QuerySet[Step]:
    """Referrals sent to the actor's organisations, pending first."""
    organisations = access.organisations_where(actor, CHANGE_PERSON)
    return (
        Step.objects.filter(kind=StepKind.REFERRAL, target_organisation__in=organisations)
        .select_related("person", "organisation", "project", "target_organisation")
        .order_by("-status", "-date")  # "pending" sorts after "declined"/"accepted": reversed puts it first
    )


def mark_openable(actor, referrals: Iterable[Step]) -> list[Step]:
    """Set `person_openable` on each referral shown: whether the actor may open the person's page (one query
    for the rows shown). An accepted referral's person may since have gone out of reach (consent withdrawn,
    territorial scope), and a link must not lead to a 404."""
    rows = list(referrals)
    openable = registry.visible_among(actor, (referral.person_id for referral in rows))
    for referral in rows:
        referral.person_openable = referral.person_id in openable
    return rows


@transaction.atomic
def respond_to_referral(actor, referral_id: int, *, accept: bool, note: str = "") -> Step:
    """The receiving organisation accepts (and from then on sees the person) or declines."""
    referral = referral_inbox(actor).select_for_update(of=("self",)).filter(pk=referral_id).first()
    if referral is None:  # not in this actor's inbox: a 404, its existence is not revealed
        raise access.OutOfScope(Step, referral_id)
    if referral.status != StepStatus.PENDING:
        raise ValidationError({"status": _("This referral was already answered.")})
    if accept:
        consent = registry.active_sharing_consent(referral.person, referral.target_organisation)
        if consent is None:
            raise ValidationError(
                {"status": _("The person withdrew their consent to share: it cannot be accepted.")}
            )
        registry.grant_access(referral.person, referral.target_organisation, consent)
    referral.status = StepStatus.ACCEPTED if accept else StepStatus.DECLINED
    referral.responded_at, referral.responded_by = timezone.now(), actor
    if note:
        referral.outcome = note[:300]
    referral.save(update_fields=["status", "responded_at", "responded_by", "outcome"])
    audit.record(audit.Action.UPDATE, actor, referral, details={"referral": referral.status})
    return referral


# --- Timeline and caseload ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detail:
    """One part of a timeline entry's detail. `kind`: "text" (interface text and translated names), "data"
    (what a user typed: a programme, an employer, an outcome, a user name: shown as written, never
    translated) or "to" (the organisation a referral goes to: the page draws the arrow the way it reads)."""

    text: str
    kind: str = "text"


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # "step", "consent", "withdrawal", "change"
    label: str
    parts: tuple[Detail, ...]  # what a page shows, data marked
    step: Step | None = None

    @property
    def detail(self) -> str:
        """The parts as one line (the API's `detail`): "Amal · → ISTA Oujda (Accepted) · Soudure", and for a
        change "who: the fields changed"."""
        texts = [f"→ {part.text}" if part.kind == "to" else part.text for part in self.parts]
        return ": ".join(texts) if self.kind == "change" else " · ".join(texts)


def timeline(actor, person: Person) -> list[TimelineEntry]:
    """What happened to a person, oldest first: steps, consents given and withdrawn, record changes."""
    person = registry.get_person(actor, person.pk, audit_read=False)
    entries = [
        TimelineEntry(step.date, "step", step.get_kind_display(), describe_step(step), step)
        for step in person.steps.select_related(
            "organisation", "project", "target_organisation", "training_programme", "employer"
        )
    ]
    for consent in person.consents.select_related("shared_with"):
        detail = [Detail(consent.get_purpose_display())]
        if consent.shared_with_id:
            detail.append(Detail(str(consent.shared_with), "to"))
        entries.append(TimelineEntry(consent.given_on, "consent", _("Consent"), tuple(detail)))
        if consent.withdrawn_on:
            entries.append(
                TimelineEntry(
                    consent.withdrawn_on,
                    "withdrawal",
                    _("Consent withdrawn"),
                    (Detail(consent.get_purpose_display()),),
                )
            )
    for version in person.versions.select_related("changed_by"):
        who = version.changed_by.get_username() if version.changed_by else "—"
        fields = ", ".join(sorted(str(field_label(name)) for name in version.changes))
        entries.append(
            TimelineEntry(
                timezone.localtime(version.changed_at).date(),
                "change",
                _("Record changed"),
                (Detail(who, "data"), Detail(fields)),
            )
        )
    return sorted(entries, key=lambda entry: entry.on)


def field_label(name: str) -> str:
    try:
        return Person._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


def describe_step(step: Step) -> tuple[Detail, ...]:
    parts = [Detail(str(step.organisation))]
    if step.kind == StepKind.REFERRAL:
        target = step.target_organisation or step.get_referral_target_display()
        parts.append(
            Detail(
                _("%(target)s (%(status)s)") % {"target": target, "status": step.get_status_display()}, "to"
            )
        )
    if step.programme:  # the catalogue's title in the reader's language when linked, else the text typed
        title = step.training_programme.title if step.training_programme_id else step.programme
        parts.append(Detail(title, "data"))  # either way what a user wrote (the catalogue's own entry)
    if step.kind == StepKind.ENROLMENT:
        parts.append(Detail(step.get_status_display()))
    if step.dropout_reason:
        parts.append(Detail(step.get_dropout_reason_display()))
    if step.credential:
        parts.append(Detail(step.get_credential_display()))
    if step.placement_type:
        parts.append(Detail(step.get_placement_type_display()))
    if step.employer_name:
        parts.append(Detail(step.employer.name if step.employer_id else step.employer_name, "data"))
    if step.follow_up_months:
        still = _("still employed") if step.still_employed else _("no longer employed")
        parts.append(
            Detail(_("%(months)s months: %(still)s") % {"months": step.follow_up_months, "still": still})
        )
    if step.outcome:
        parts.append(Detail(step.outcome, "data"))
    return tuple(part for part in parts if part.text)


def end_of_week(day: date) -> date:
    """The Sunday that ends `day`'s week: the caseload lists what falls due by then."""
    return day + timedelta(days=6 - day.weekday())


def pending_referrals_sent(actor) -> QuerySet[Step]:
    return (
        access.scoped(
            actor, VIEW_PERSON, Step.objects.filter(kind=StepKind.REFERRAL, status=StepStatus.PENDING)
        )
        .filter(organisation__in=access.organisations_where(actor, CHANGE_PERSON))
        .select_related("person", "target_organisation")
    )


def consent_to_share(actor, person: Person, organisation: Organisation, given_on: date) -> Consent:
    """Record consent to share with `organisation`, unless an active one exists."""
    return registry.active_sharing_consent(person, organisation) or registry.record_consent(
        actor, person, Consent.Purpose.SHARING, given_on=given_on, shared_with=organisation
    )


# --- Pages (added with the pathway pages) -------------------------------------------------------------------


def steps_of(actor, person: Person, kinds: tuple[str, ...] | None = None) -> QuerySet[Step]:
    """The person's steps the actor may see, optionally of some kinds only (the choices of a parent step)."""
    steps = access.scoped(actor, VIEW_PERSON, Step.objects.filter(person=person))
    if kinds is not None:
        steps = steps.filter(kind__in=kinds)
    return steps.select_related("project", "organisation").order_by("-date", "-id")


@transaction.atomic
def refer_with_consent(actor, person: Person, *, project: Project, on: date, **fields: Any) -> Step:
    """A referral to an organisation the person agreed to share their record with: consent, then step."""
    consent_to_share(actor, person, fields["target_organisation"], on)
    return record_step(actor, person, StepKind.REFERRAL, project=project, on=on, **fields)


def pending_referrals_received(actor) -> QuerySet[Step]:
    return referral_inbox(actor).filter(status=StepStatus.PENDING)
