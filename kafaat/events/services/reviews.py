"""Sign-in sheets and their review queue: part of kafaat.events.services (see its __init__)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.contacts.models import Contact
from kafaat.core import access, audit
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_PARTICIPANTS
from kafaat.events.models import (
    Attendance,
    AttendanceSource,
    Event,
    Registration,
    RegistrationStatus,
    SignInReview,
)


def start_sign_in_import(user, event: Event, upload, *, dry_run: bool = False):
    """Save an uploaded sign-in sheet and queue its import (the worker runs it; tests, at once)."""
    from kafaat.core.imports import background
    from kafaat.events.sign_in.sheet import KIND

    access.require(user, MANAGE_EVENTS, event)
    if not event.sessions.exists():
        raise ValidationError(_("Add the event's sessions first: the sheet has one column per session."))
    job = background.new_job(
        user, event.organiser, KIND, upload, dry_run=dry_run, details={"event": event.pk}
    )
    return background.start(job, KIND)


def sign_in_jobs(user, event: Event):
    from kafaat.core.models import ImportJob
    from kafaat.events.sign_in.sheet import KIND

    return ImportJob.objects.filter(user=user, kind=KIND, details__event=event.pk).order_by("-created_at")


def reviews_of(user, event: Event, *, open_only: bool = True) -> QuerySet[SignInReview]:
    access.require(user, MANAGE_EVENTS, event)
    queryset = SignInReview.objects.filter(event=event).prefetch_related("sessions")
    if open_only:
        queryset = queryset.filter(status=SignInReview.Status.OPEN)
    return queryset.order_by("row_number", "pk")


def get_review(user, event: Event, pk: int) -> SignInReview:
    review = access.get_object_or_404(
        user, VIEW_PARTICIPANTS, SignInReview.objects.filter(event=event).select_related("event"), pk=pk
    )
    access.require(user, MANAGE_EVENTS, event)
    return review


def review_candidates(user, review: SignInReview) -> list[tuple[Contact, dict]]:
    """The review's candidate contacts the user may still see, with their score and reasons."""
    from kafaat.contacts.access_rules import VIEW_CONTACTS

    proposed = [c for c in review.candidates if c.get("contact")]
    ids = [c["contact"] for c in proposed]
    visible = {c.pk: c for c in access.scoped(user, VIEW_CONTACTS, Contact.objects.filter(pk__in=ids))}
    return [(visible[c["contact"]], c) for c in proposed if c["contact"] in visible]


def review_people(user, reviews: list[SignInReview]) -> dict[int, list[tuple[Any, dict]]]:
    """The beneficiaries these reviews propose that the user may see now (the registry's rule, read again:
    access may have changed since the import), by review, in one query; the reading is audited."""
    from kafaat.registry.models import Person
    from kafaat.registry.services import visible_people

    ids = {c["person"] for review in reviews for c in review.candidates if c.get("person")}
    if not ids:
        return {}
    visible = {p.pk: p for p in visible_people(user).filter(pk__in=ids)}
    if visible:
        audit.record_bulk(audit.Action.LIST, user, Person, sorted(visible), details={"sign_in_reviews": True})
    return {
        review.pk: [(visible[c["person"]], c) for c in review.candidates if c.get("person") in visible]
        for review in reviews
    }


def resolve_review(
    user,
    review: SignInReview,
    *,
    contact_id: int | None = None,
    person_id: int | None = None,
    create: bool = False,
    dismiss: bool = False,
    sex: str = "",
) -> SignInReview:
    """Settle a doubtful row: link it to a candidate contact or beneficiary (one the user may still see),
    create a new contact, or dismiss it. Its presences are recorded on the (new or existing) registration."""
    from kafaat.contacts.models import OrganisationType
    from kafaat.events.sign_in.sheet import split_name
    from kafaat.registry.normalise import has_arabic

    event = review.event
    access.require(user, MANAGE_EVENTS, event)
    if review.status != SignInReview.Status.OPEN:
        raise ValidationError(_("This row has already been settled."))
    with transaction.atomic():
        if dismiss:
            review.status = SignInReview.Status.DISMISSED
        elif create:
            sex = sex or review.sex
            if sex not in ("F", "M"):
                raise ValidationError({"sex": [_("Give the sex (F or M) of the new contact.")]})
            first, last = split_name(review.name)
            script = "ar" if has_arabic(review.name) else "latin"
            contact = Contact.objects.create(
                managed_by=event.organiser,
                territory=event.territory,
                sex=sex,
                organisation_name=review.organisation_name,
                organisation_type=OrganisationType.OTHER,
                email=review.email,
                phone=review.phone,
                created_by=user,
                external_id=f"events-signin-{review.row_key[:40]}",
                **{f"first_name_{script}": first, f"last_name_{script}": last},
            )
            audit.record(audit.Action.CREATE, user, contact, details={"sign_in_review": review.pk})
            review.registration = _registration_with_presences(user, event, review, contact=contact)
            review.status = SignInReview.Status.CREATED
        elif person_id is not None:
            proposed = review_people(user, [review]).get(review.pk, [])
            person = next((p for p, _score in proposed if p.pk == person_id), None)
            if person is None:
                raise ValidationError({"person": [_("Pick one of the proposed beneficiaries.")]})
            review.registration = _registration_with_presences(user, event, review, person=person)
            review.status = SignInReview.Status.LINKED
        else:
            allowed = {contact.pk for contact, _score in review_candidates(user, review)}
            if contact_id not in allowed:
                raise ValidationError({"contact": [_("Pick one of the proposed contacts.")]})
            contact = Contact.objects.get(pk=contact_id)
            review.registration = _registration_with_presences(user, event, review, contact=contact)
            review.status = SignInReview.Status.LINKED
        review.resolved_by, review.resolved_at = user, timezone.now()
        review.save()
    audit.record(audit.Action.UPDATE, user, review, details={"status": review.status})
    return review


def _registration_with_presences(
    user, event: Event, review: SignInReview, *, contact: Contact | None = None, person=None
) -> Registration:
    now = timezone.now()
    participant = {"contact": contact} if contact is not None else {"person": person}
    registration, _created = Registration.objects.get_or_create(
        event=event,
        **participant,
        defaults={"status": RegistrationStatus.REGISTERED, "invited_at": now, "registered_at": now},
    )
    sessions = list(review.sessions.all())
    Attendance.objects.bulk_create(
        [
            Attendance(
                registration=registration, session=s, source=AttendanceSource.SIGN_IN_SHEET, recorded_by=user
            )
            for s in sessions
        ],
        ignore_conflicts=True,
    )
    if sessions and registration.status != RegistrationStatus.ATTENDED:
        registration.status = RegistrationStatus.ATTENDED
        registration.save(update_fields=["status", "updated_at"])
    return registration
