"""Events (conferences, workshops, training modules, study visits…), their sessions, who was invited and who
came.

Attendance is recorded per session, never as one flag per event: a three-day workshop with six sessions knows
who came to which, and a certificate requires a share of them. A participant is a contact of the directory or
a beneficiary of the registry (the registry's access rules then apply to reading who they are).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import MultilingualName, Organisation, Project, Territory


class EventType(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    WORKSHOP = "workshop", _("Workshop")
    CAPACITY_BUILDING = "capacity_building", _("Capacity-building session")
    TRAINING_MODULE = "training_module", _("Training module")
    SEMINAR = "seminar", _("Seminar")
    STUDY_VISIT = "study_visit", _("Study visit")
    STEERING_COMMITTEE = "steering_committee", _("Steering committee")
    INFORMATION_CAMPAIGN = "information_campaign", _("Information campaign")


class Event(MultilingualName):
    """One event; a long one may have children (a 3-day workshop's days), each an event itself."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="organised_events"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    # The logframe result the event serves (results.LogframeNode of the same project).
    result = models.ForeignKey(
        "results.LogframeNode", verbose_name=_("logframe result"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="events",
    )  # fmt: skip
    working_group = models.ForeignKey(
        "governance.WorkingGroup", verbose_name=_("working group"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="events",
    )  # fmt: skip
    sector = models.ForeignKey(
        "training.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("For a training module: the trade its trainers are trained in."),
    )  # fmt: skip
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+",
        help_text=_("Where it takes place in Morocco, or the organising region for a study visit abroad."),
    )  # fmt: skip
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, default="MA", help_text=_("ISO 3166 code"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Share of the sessions a participant must attend for an attendance certificate (percent).
    certificate_threshold = models.PositiveSmallIntegerField(
        _("attendance needed for a certificate (%)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )  # fmt: skip
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["organiser", "start_date"], name="event_organiser_start"),
                   models.Index(fields=["project", "type"], name="event_project_type")]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="event_dates"
            ),
        ]


class Session(models.Model):
    """A sitting of an event (a half-day, a module's day): the unit attendance is recorded in."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["event", "starts_at", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_times"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.event} — {self.starts_at:%Y-%m-%d %H:%M}"


class RegistrationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    FACILITATOR = "facilitator", _("Facilitator")
    ORGANISER = "organiser", _("Organiser")


def new_badge_code() -> str:
    # 10 characters of an alphabet without look-alikes (0/O, 1/I/L): typed from a badge without mistakes.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Registration(models.Model):
    """One participant of one event: a contact, or a beneficiary of the registry (exactly one of the two)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="registrations"
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="event_registrations"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.INVITED
    )
    role = models.CharField(
        _("role"), max_length=12, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT
    )
    # The code on the badge (printed as a QR code and as text): checking in needs it, never a name search.
    badge_code = models.CharField(_("badge code"), max_length=12, unique=True, default=new_badge_code)
    language = models.CharField(
        _("language"), max_length=2, choices=[("fr", "Français"), ("ar", "العربية"), ("en", "English")],
        default="fr",
    )  # fmt: skip
    invited_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    # A training module's completion, certified by its trainer: what makes a trainer "professionalised".
    completion_certified = models.BooleanField(_("completion certified"), default=False)
    completion_date = models.DateField(_("date of completion"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(contact__isnull=False, person__isnull=True)
                           | models.Q(contact__isnull=True, person__isnull=False)),
                name="registration_one_participant",
            ),
            models.UniqueConstraint(fields=["event", "contact"], condition=models.Q(contact__isnull=False),
                                    name="one_registration_per_contact"),
            models.UniqueConstraint(fields=["event", "person"], condition=models.Q(person__isnull=False),
                                    name="one_registration_per_person"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.event} — {self.contact or self.person_id}"


class AttendanceSource(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in (badge)")
    SIGN_IN_SHEET = "sign_in_sheet", _("Imported sign-in sheet")
    MANUAL = "manual", _("Entered by hand")


class Attendance(models.Model):
    """Presence of one registrant at one session; recorded once, however many times the badge is scanned."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    source = models.CharField(_("source"), max_length=16, choices=AttendanceSource.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="one_attendance_per_session")
        ]
        indexes = [models.Index(fields=["session"], name="attendance_session")]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.session}"


class TestPhase(models.TextChoices):
    PRE = "pre", _("Before (pre-test)")
    POST = "post", _("After (post-test)")


class KnowledgeScore(models.Model):
    """A participant's score on the event's knowledge test, before or after; the gain is post minus pre."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="scores")
    phase = models.CharField(_("test"), max_length=4, choices=TestPhase.choices)
    score = models.DecimalField(
        _("score (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("knowledge test score")
        verbose_name_plural = _("knowledge test scores")
        constraints = [models.UniqueConstraint(fields=["registration", "phase"], name="one_score_per_phase")]

    def __str__(self) -> str:
        return f"{self.registration} {self.phase}: {self.score}"


class SurveyResponse(models.Model):
    """One answer to the event's satisfaction survey. Anonymous answers keep no link to the registrant."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="survey_responses")
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_response"
    )
    overall = models.PositiveSmallIntegerField(
        _("overall satisfaction (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    content = models.PositiveSmallIntegerField(
        _("content (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    organisation = models.PositiveSmallIntegerField(
        _("organisation (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness for my work (1–5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )  # fmt: skip
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.event}: {self.overall}/5"


class Certificate(models.Model):
    """An attendance certificate issued to a registrant: its number is printed on it and checkable."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("number"), max_length=30, unique=True)
    language = models.CharField(_("language"), max_length=2)
    sessions_attended = models.PositiveSmallIntegerField()
    sessions_total = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.number


class SignInReview(models.Model):
    """A row of an imported sign-in sheet whose person could not be matched with certainty: a user picks the
    contact it names (or creates one); its presences are then recorded. One per event and row content, so that
    importing the same sheet again adds nothing."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        LINKED = "linked", _("Linked to a contact")
        CREATED = "created", _("New contact created")
        DISMISSED = "dismissed", _("Dismissed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sign_in_reviews")
    row_key = models.CharField(max_length=64)  # the row's fingerprint: name, e-mail, phone, presences
    row_number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    sessions = models.ManyToManyField(Session, blank=True, related_name="+")
    # [{"contact": id, "score": 0.8, "reasons": ["name", "organisation"]}, {"person": id, …}, …], best first
    candidates = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in row to review")
        verbose_name_plural = _("sign-in rows to review")
        ordering = ["event", "row_number", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "row_key"], name="one_review_per_sheet_row")]
        indexes = [models.Index(fields=["event", "status"], name="signin_review_event_status")]

    def __str__(self) -> str:
        return f"{self.event} — {self.name}"
