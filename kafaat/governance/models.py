"""Regional working groups (GTR) and national committees, and who sits on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kafaat.core.models import MultilingualName, Organisation, Project, Territory


class WorkingGroup(MultilingualName):
    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional working group (GTR)")
        NATIONAL = "national", _("National committee")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGIONAL)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The region of a GTR; Morocco for a national committee."),
    )  # fmt: skip
    # The organisation that holds the secretariat: its staff manage the group, its meetings and actions.
    secretariat = models.ForeignKey(
        Organisation, verbose_name=_("secretariat"), on_delete=models.PROTECT, related_name="working_groups"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="working_groups",
    )  # fmt: skip
    mandate = models.TextField(_("mandate"), blank=True)
    start_date = models.DateField(_("set up on"))
    end_date = models.DateField(_("dissolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["code"]


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARIAT = "secretariat", _("Secretariat")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class GroupMembership(models.Model):
    """A contact's seat on a working group, over a period (members change; the history stays)."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="group_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    start_date = models.DateField(_("member since"))
    end_date = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="membership_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} — {self.group} ({self.role})"


class Meeting(models.Model):
    """A sitting of a working group. Once closed, it is read-only: its minutes and outcomes are the record."""

    class Status(models.TextChoices):
        # In context: "closed" and "cancelled" of a meeting agree in gender with "réunion" in French.
        PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
        HELD = "held", pgettext_lazy("meeting status", "Held (minutes being written)")
        CLOSED = "closed", pgettext_lazy("meeting status", "Closed")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["group", "-starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.group.code} — {self.title} ({self.starts_at:%Y-%m-%d})"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("item"), max_length=300)
    presenter = models.ForeignKey(
        "contacts.Contact", verbose_name=_("presenter"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingParticipant(models.Model):
    """Who was invited to a meeting, and who attended (a member, or a guest)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="meetings")
    invited = models.BooleanField(_("invited"), default=True)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        constraints = [models.UniqueConstraint(fields=["meeting", "contact"], name="one_seat_per_meeting")]

    def __str__(self) -> str:
        return f"{self.contact} @ {self.meeting}"


class MinutesRevision(models.Model):
    """One version of a meeting's minutes: revisions are kept, the last one is the minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_revisions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("minutes"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minutes revision")
        verbose_name_plural = _("minutes revisions")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="one_minutes_number")]

    def __str__(self) -> str:
        return f"{self.meeting} — v{self.number}"


class Outcome(models.Model):
    """What came of a meeting: information noted, a decision taken, or an action to carry out."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Decision")
        ACTION = "action", _("Action")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Action(models.Model):
    """An action decided in a meeting: one owner, a due date; carried to each next meeting until closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    CLOSED = (Status.DONE, Status.DROPPED)

    outcome = models.OneToOneField(Outcome, on_delete=models.CASCADE, related_name="action")
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(
        "contacts.Contact", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="actions"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.TextField(_("progress note"), blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["group", "status", "due_date"], name="action_group_status_due")]

    def __str__(self) -> str:
        return f"{self.outcome.text[:60]} ({self.due_date})"
