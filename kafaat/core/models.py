"""Shared reference data and the access model: territories, organisations, memberships, tokens, audit log."""

from __future__ import annotations

import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kafaat.core.fields import NameField


class MultilingualName(models.Model):
    """Reference names in French, Arabic and English; `name` follows the active language."""

    name_fr = NameField(_("name (French)"), max_length=200)
    name_ar = NameField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = NameField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fr")[:2]
        return getattr(self, f"name_{language}", "") or self.name_fr


class Territory(MultilingualName):
    """A node of Morocco's administrative tree: region › province/prefecture › commune."""

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        PROVINCE = "province", _("Province or prefecture")
        COMMUNE = "commune", _("Commune")

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        PREFECTURE = "prefecture", _("Prefecture")
        PROVINCE = "province", _("Province")
        URBAN = "urban", _("Urban commune")
        RURAL = "rural", _("Rural commune")

    code = models.CharField(_("code"), max_length=20, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("MA-02/02.411/COM_0420/"): a subtree is one indexed prefix filter.
    path = models.CharField(max_length=80, unique=True, editable=False)
    population_2024 = models.PositiveIntegerField(_("population (2024 census)"), null=True, blank=True)
    households_2024 = models.PositiveIntegerField(_("households (2024 census)"), null=True, blank=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"])]

    def save(self, *args, **kwargs) -> None:
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        super().save(*args, **kwargs)

    def contains(self, other: Territory) -> bool:
        return other.path.startswith(self.path)

    @property
    def parent_code(self) -> str | None:
        """The parent's code, read from the path: no query (None for a region)."""
        codes = self.path.rstrip("/").split("/")
        return codes[-2] if len(codes) > 1 else None

    @property
    def region(self) -> Territory:
        node = self
        while node.parent_id is not None:
            node = node.parent
        return node


class Organisation(MultilingualName):
    """Any body that takes part in a programme; every scoped record belongs to one."""

    class Type(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        OFPPT = "ofppt", _("OFPPT")
        DONOR = "donor", _("Donor")
        IMPLEMENTING_AGENCY = "implementing_agency", _("Implementing agency")
        NGO = "ngo", _("NGO / civil-society organisation")
        TRAINING_PROVIDER = "training_provider", _("Training provider")
        EMPLOYER = "employer", _("Employer")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="organisations"
    )
    acronym = NameField(_("acronym"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_fr"]


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    CASE_WORKER = "case_worker", _("Case worker")
    ANALYST = "analyst", _("Analyst (aggregates only)")
    GRANT_REVIEWER = "grant_reviewer", _("Grant reviewer")
    ESTABLISHMENT_MANAGER = "establishment_manager", _("Establishment manager")
    DONOR_VIEWER = "donor_viewer", _("Donor viewer")
    GRANT_APPLICANT = "grant_applicant", _("Grant applicant")


class Membership(models.Model):
    """A user's role in an organisation, limited to a territory subtree (empty scope = the whole country)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    territory_scope = models.ForeignKey(
        Territory,
        verbose_name=_("territorial scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for the whole country."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for scripts; only its SHA-256 is stored, the clear value is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


# Audit targets that are not models.
AUDIT_TARGETS = {
    "observatory.gaps": _("gap table"),
    "registry.dedupe_file": _("file checked for duplicates"),
}


class AuditEvent(models.Model):
    """Who read or changed what, when. Bulk operations are one event carrying the count and the ids."""

    class Action(models.TextChoices):
        VIEW = "view", _("Reading")
        LIST = "list", _("Listing")
        CREATE = "create", _("Creation")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Deletion")
        BULK_CREATE = "bulk_create", _("Bulk creation")
        BULK_UPDATE = "bulk_update", _("Bulk update")
        BULK_DELETE = "bulk_delete", _("Bulk deletion")
        EXPORT = "export", _("Export")
        LOGIN = "login", _("Sign-in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Sign-out")
        DENIED = "denied", _("Access denied")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the trail survives the deletion of the account.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=1)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        target = f"{self.target_type}:{self.target_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {target}"

    @property
    def target_label(self) -> str:
        """The kind of object in the reader's language ("personne", "شخص"), from the model's verbose name;
        `target_type` ("registry.person") is a program identifier, kept for queries and exports."""
        if not self.target_type:
            return ""
        if self.target_type in AUDIT_TARGETS:
            return capfirst(str(AUDIT_TARGETS[self.target_type]))
        try:
            model = apps.get_model(self.target_type)
        except (LookupError, ValueError):
            return str(_("other object"))
        return capfirst(str(model._meta.verbose_name))


class Project(MultilingualName):
    """A donor-funded project: it owns a logframe, grants and events; people are served under projects."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    donor = models.ForeignKey(
        Organisation,
        verbose_name=_("donor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_projects",
    )
    participants = models.ManyToManyField(
        Organisation, verbose_name=_("participating organisations"), related_name="projects", blank=True
    )
    territories = models.ManyToManyField(
        Territory, verbose_name=_("territories"), related_name="+", blank=True
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]


class ImportJob(models.Model):
    """One upload of a spreadsheet: its options, its progress, and what came of it (counts and errors)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        VALIDATING = "validating", _("Checking the rows")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Imported")
        CHECKED = "checked", _("Checked (nothing written)")
        REJECTED = "rejected", _("Rejected: nothing imported")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.DONE, Status.CHECKED, Status.REJECTED, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=20)
    file_name = models.CharField(_("file"), max_length=200)
    file_path = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT
    report_path = models.CharField(max_length=300, blank=True)  # the XLSX error report, under MEDIA_ROOT
    language = models.CharField(max_length=10, default="fr")
    dry_run = models.BooleanField(_("check only"), default=False)
    good_rows_only = models.BooleanField(_("import only the good rows"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)  # an estimate until the file is read
    rows_validated = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first errors as [row, column, message]
    # What an app's import adds to its report once run (the vacancy import's re-posted ads).
    details = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey("Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} · {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class Job(models.Model):
    """One long operation run by the worker (`python -m kafaat worker`): what it is, who asked, how far it
    got and how it ended. The app's own record (an `ImportJob`, a `LinkageRun`, a `Snapshot`…) keeps the
    details its page shows; this row is what the worker, the jobs page and the health check share."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The organisation the job works for (an import's), so that its administrators see it; none: national.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target = models.CharField(max_length=64, blank=True)  # the pk of the app's own record
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, default="fr")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)  # the django-tasks result of the latest attempt
    worker = models.CharField(max_length=64, blank=True)  # the worker that runs (or ran) it
    attempts = models.PositiveSmallIntegerField(default=0)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} · {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class WorkerHeartbeat(models.Model):
    """A running worker process: a job whose worker is gone (its process ended, or it stopped reporting) is
    marked failed instead of waiting for ever."""

    worker_id = models.CharField(primary_key=True, max_length=64)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.worker_id
