"""Attendance certificates: who has earned one, issuing it once, and issuing an event's in bulk as a job.

A registrant earns a certificate by attending at least the event's `certificate_threshold` percent of its
sessions (attendance is recorded per session). Issuing writes a `Certificate` row whose number is printed on
the PDF; issuing again returns the same row (same number, same language), so a reprint never makes a second
certificate. The PDF is drawn from the row each time, in the participant's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access, audit, jobs
from kafaat.core.models import Job
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_PARTICIPANTS
from kafaat.events.models import Attendance, Certificate, Event, Registration
from kafaat.events.registrant_names import participant_language, registrants

BULK_JOB = "events.certificates"


@dataclass(frozen=True)
class AttendanceShare:
    attended: int
    total: int
    threshold: int

    @property
    def percent(self) -> float:
        return 100.0 * self.attended / self.total if self.total else 0.0

    @property
    def enough(self) -> bool:
        # Integers only: attended / total ≥ threshold / 100, without a rounding edge.
        return self.total > 0 and self.attended * 100 >= self.threshold * self.total


class CertificateRefused(ValidationError):
    """A certificate not earned (or an event without sessions): the reason is the message."""


def attendance_share(registration: Registration) -> AttendanceShare:
    event = registration.event
    total = event.sessions.count()
    attended = Attendance.objects.filter(registration=registration, session__event=event).count()
    return AttendanceShare(attended, total, event.certificate_threshold)


def attendance_shares(event: Event) -> dict[int, AttendanceShare]:
    """Every registrant's share in two queries (a grid, a bulk issue)."""
    from django.db.models import Count

    total = event.sessions.count()
    counts = dict(
        Attendance.objects.filter(registration__event=event, session__event=event)
        .values_list("registration_id")
        .annotate(n=Count("id"))
        .values_list("registration_id", "n")
    )
    return {
        registration_id: AttendanceShare(counts.get(registration_id, 0), total, event.certificate_threshold)
        for registration_id in event.registrations.values_list("pk", flat=True)
    }


def refusal_reason(share: AttendanceShare) -> str:
    if share.total == 0:
        return _("This event has no sessions: attendance cannot be counted.")
    return _(
        "Attended %(attended)s of %(total)s sessions (%(percent)s %%); "
        "the certificate needs %(threshold)s %%."
    ) % {
        "attended": share.attended,
        "total": share.total,
        "percent": round(share.percent),
        "threshold": share.threshold,
    }


def certificate_number(registration: Registration) -> str:
    """Unique and readable: the year, the event and the registration (KF-2026-00012-000345)."""
    return f"KF-{registration.event.start_date:%Y}-{registration.event_id:05d}-{registration.pk:06d}"


def issue(user, registration: Registration) -> Certificate:
    """The registrant's certificate: the one already issued, or a new one if they attended enough."""
    access.require(user, MANAGE_EVENTS, registration.event)
    existing = Certificate.objects.filter(registration=registration).first()
    if existing is not None:
        return existing
    share = attendance_share(registration)
    if not share.enough:
        raise CertificateRefused(refusal_reason(share), code="threshold")
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                registration=registration,
                number=certificate_number(registration),
                language=participant_language(registration),
                sessions_attended=share.attended,
                sessions_total=share.total,
                issued_by=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError:  # issued at the same moment by another request: that one is the certificate
        return Certificate.objects.get(registration=registration)
    audit.record("create", user, certificate, details={"registration": registration.pk})
    return certificate


def certificate_for_download(user, registration: Registration) -> Certificate:
    """An issued certificate to print (issued now if earned); reading it is reading personal data."""
    access.require(user, VIEW_PARTICIPANTS, registration.event)
    # Printing again what was issued needs only to see the participants; issuing needs to manage the event.
    certificate = Certificate.objects.filter(registration=registration).first() or issue(user, registration)
    audit.record("read", user, certificate, details={"document": "certificate"})
    return certificate


def issue_all(user, event: Event) -> tuple[list[Certificate], int]:
    """Issue the certificate of every registrant who earned one: (certificates, how many did not earn it)."""
    access.require(user, MANAGE_EVENTS, event)
    shares = attendance_shares(event)
    certificates, refused = [], 0
    for registration in registrants(event).select_related("certificate").order_by("pk"):
        if hasattr(registration, "certificate"):
            certificates.append(registration.certificate)
        elif shares[registration.pk].enough:
            certificates.append(issue(user, registration))
        else:
            refused += 1
    return certificates, refused


# --- Bulk issue as a job: every certificate of an event in one PDF --------------------------------------


def bulk_file(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "certificates" / f"{job.pk}.pdf"


def start_bulk_issue(user, event: Event) -> Job:
    access.require(user, MANAGE_EVENTS, event)
    return jobs.enqueue(BULK_JOB, user=user, organisation=event.organiser, target=event.pk)


def _run_bulk(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    from kafaat.events.documents import certificates_pdf

    event = Event.objects.get(pk=job.target)
    try:
        certificates, refused = issue_all(job.user, event)
    except access.Refused:
        return jobs.Outcome(Job.Status.REFUSED, _("You may not issue the certificates of this event."))
    if not certificates:
        return jobs.Outcome(Job.Status.REFUSED, _("Nobody attended enough sessions for a certificate."))
    progress(0, len(certificates), "pdf")
    path = bulk_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(certificates_pdf(certificates))
    progress(len(certificates), len(certificates), "pdf")
    audit.record_bulk(
        "read", job.user, Certificate, [c.pk for c in certificates], details={"event": event.pk}
    )
    message = _("%(issued)s certificates; %(refused)s registrants did not attend enough sessions.") % {
        "issued": len(certificates),
        "refused": refused,
    }
    return jobs.Outcome(Job.Status.DONE, message)


def register_jobs() -> None:
    jobs.register(
        jobs.JobKind(
            name=BULK_JOB,
            label=gettext_lazy("Attendance certificates of an event"),
            run=_run_bulk,
            link=lambda job: reverse("events:documents_certificates_job", args=[job.pk]),
        )
    )
