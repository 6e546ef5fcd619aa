"""People served by the programmes, their consents, who may see them, and the history of their records."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kafaat.core.fields import EncryptedJSONField, EncryptedTextField, NameField
from kafaat.core.models import Organisation, Territory


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class MigrationStatus(models.TextChoices):
    MOROCCAN = "moroccan", _("Moroccan")
    REGULAR_MIGRANT = "regular_migrant", _("Regular migrant")
    REFUGEE = "refugee", _("Refugee")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")


class IdType(models.TextChoices):
    CIN = "cin", _("National identity card (CIN)")
    PASSPORT = "passport", _("Passport")
    RESIDENCE_CARD = "residence_card", _("Residence card")
    REFUGEE_CARD = "refugee_card", _("Refugee card (UNHCR)")
    OTHER = "other", _("Other document")


class EducationLevel(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary (collège)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary (lycée)")
    BACCALAUREATE = "baccalaureate", _("Baccalaureate")
    VOCATIONAL = "vocational", _("Vocational training diploma")
    HIGHER = "higher", _("Higher education")


class Area(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class Language(models.TextChoices):
    DARIJA = "ary", _("Moroccan Arabic (Darija)")
    ARABIC = "ar", _("Standard Arabic")
    TAMAZIGHT = "zgh", _("Tamazight")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


class WashingtonGroup:
    """The Washington Group short set: six domains, four answers, and the standard disability cut-off."""

    DOMAINS = (
        ("seeing", _("Seeing, even if wearing glasses")),
        ("hearing", _("Hearing, even if using a hearing aid")),
        ("mobility", _("Walking or climbing steps")),
        ("cognition", _("Remembering or concentrating")),
        ("self_care", _("Self-care, such as washing all over or dressing")),
        ("communication", _("Communicating in the usual language")),
    )
    ANSWERS = (
        (1, _("No difficulty")),
        (2, _("Some difficulty")),
        (3, _("A lot of difficulty")),
        (4, _("Cannot do at all")),
    )
    CUTOFF = 3  # "disability 3": at least one domain answered "a lot of difficulty" or "cannot do at all"

    @classmethod
    def has_disability(cls, answers: dict | None) -> bool | None:
        if not answers:
            return None
        return any(int(value) >= cls.CUTOFF for value in answers.values() if value)


class Person(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Foreign keys without an index of their own where a composite index starts with them (Meta.indexes), or
    # with a partial one where they are nearly always empty: one index fewer to write per imported row each.
    registered_by = models.ForeignKey(
        Organisation,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="registered_people",
        db_index=False,
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )
    external_id = models.CharField(
        _("external id"), max_length=64, blank=True, help_text=_("The id in the organisation's own files.")
    )

    first_name_ar = NameField(_("first name (Arabic)"), max_length=100, blank=True)
    last_name_ar = NameField(_("last name (Arabic)"), max_length=100, blank=True)
    first_name_latin = NameField(_("first name (Latin)"), max_length=100, blank=True)
    last_name_latin = NameField(_("last name (Latin)"), max_length=100, blank=True)
    # Every name word of both scripts, normalised: the target of name search (trigram index on PostgreSQL).
    search_name = models.CharField(max_length=500, editable=False, default="")

    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("date of birth estimated from the age"), default=False)
    nationality = models.CharField(_("nationality"), max_length=2, default="MA", help_text=_("ISO 3166 code"))
    migration_status = EncryptedTextField(_("migration status"), blank=True, choices=MigrationStatus.choices)
    territory = models.ForeignKey(
        Territory, verbose_name=_("residence"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    area = models.CharField(_("area"), max_length=5, choices=Area.choices, blank=True)
    # Indexed in Meta.indexes, not with db_index: on PostgreSQL db_index adds a second, `LIKE` index on text
    # columns that nothing uses and that every import pays for.
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    phone_alt = models.CharField(_("other phone"), max_length=16, blank=True)
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdType.choices, blank=True)
    id_number = EncryptedTextField(_("document number"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    education_level = models.CharField(
        _("education level"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    neet = models.BooleanField(_("not in employment, education or training (NEET)"), null=True, blank=True)
    household_head = models.BooleanField(_("head of household"), default=False)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    disability_answers = EncryptedJSONField(_("Washington Group answers"), null=True, blank=True)

    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registered_by", "external_id"],
                condition=~Q(external_id=""),
                name="unique_external_id_per_organisation",
            ),
            models.CheckConstraint(
                condition=~(
                    Q(first_name_ar="") & Q(last_name_ar="") & Q(first_name_latin="") & Q(last_name_latin="")
                ),
                name="person_has_a_name",
            ),
        ]
        indexes = [
            models.Index(fields=["territory", "sex"]),
            models.Index(fields=["registered_by", "created_at"]),
            # The people lists' order (newest first), read in order and stopped at the page: a case worker's
            # own people (the caseload), and anyone's (the organisation's list: its access rule is an OR that
            # no per-organisation index serves). Sorting 200k people took 0.6-0.8 s (benchmarks/caseload.py).
            models.Index(fields=["case_worker", "-created_at", "-id"], name="person_caseload_newest"),
            models.Index(fields=["-created_at", "-id"], name="person_newest"),
            models.Index(fields=["phone"], name="person_phone_idx"),
            models.Index(fields=["phone_alt"], name="person_phone_alt_idx"),
            models.Index(fields=["id_number_hash"], name="person_id_number_hash_idx"),
            models.Index(
                fields=["merged_into"], condition=Q(merged_into__isnull=False), name="person_merged_into_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def name_latin(self) -> str:
        return " ".join(p for p in (self.first_name_latin, self.last_name_latin) if p)

    @property
    def name_ar(self) -> str:
        return " ".join(p for p in (self.first_name_ar, self.last_name_ar) if p)

    @property
    def display_name(self) -> str:
        return self.name_latin or self.name_ar

    @property
    def has_disability(self) -> bool | None:
        return WashingtonGroup.has_disability(self.disability_answers)

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class PersonAccess(models.Model):
    """Which organisations see a person: the one that registered them, and those referred to with consent."""

    class Reason(models.TextChoices):
        REGISTERED = "registered", _("Registered the person")
        REFERRAL = "referral", _("Accepted a referral")
        MERGED = "merged", _("Registered a record merged into this one")

    # Indexed by the constraint and Meta.indexes (person first, organisation first, consent when present).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="accesses", db_index=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="person_accesses", db_index=False
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    consent = models.ForeignKey(
        "Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    is_active = models.BooleanField(default=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access to a person's record")
        verbose_name_plural = _("accesses to people's records")
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="one_access_per_organisation")
        ]
        indexes = [
            models.Index(fields=["organisation", "is_active", "person"]),
            # The accesses the access rule reads at every search (`access_rules.shared_with`): few rows, so
            # that reading them does not walk the organisation's whole "registered" list.
            models.Index(
                fields=["organisation", "person"],
                condition=Q(is_active=True) & ~Q(reason="registered"),
                name="personaccess_shared",
            ),
            models.Index(
                fields=["consent"], condition=Q(consent__isnull=False), name="personaccess_consent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.person}"


class PersonSearch(models.Model):
    """Who finds whom by name: one row per person and organisation that sees them (the access rule:
    the registering organisation, and those holding an active referral or merge access), with the person's
    name key and creation time. Written only by database triggers on `Person` and `PersonAccess` (migration
    0009), so that every writer (forms, the COPY import, merges, consent withdrawal, deletes) keeps it in
    step; read only by name search (`services.search_people`). On PostgreSQL the table is partitioned by
    organisation, so that the trigram index a search reads holds only a few organisations' people."""

    pk = models.CompositePrimaryKey("person_id", "organisation_id")
    person = models.ForeignKey(Person, on_delete=models.DO_NOTHING, related_name="search_rows")
    organisation = models.ForeignKey(Organisation, on_delete=models.DO_NOTHING, related_name="+")
    search_name = models.CharField(max_length=500)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "registry_personsearch"

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.person_id}"


class Consent(models.Model):
    """What the person agreed to, when, recorded by whom; a withdrawal ends it."""

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration and follow-up of the pathway")
        SHARING = "sharing", _("Sharing the record with a partner organisation")
        CONTACT = "contact", _("Being contacted for follow-up surveys")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    shared_with = models.ForeignKey(
        Organisation,
        verbose_name=_("shared with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # partial index in Meta: empty on most consents
    )
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_for = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # partial index in Meta: empty on most consents
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        indexes = [
            models.Index(
                fields=["shared_with"], condition=Q(shared_with__isnull=False), name="consent_shared_with_idx"
            ),
            models.Index(
                fields=["withdrawn_by"],
                condition=Q(withdrawn_by__isnull=False),
                name="consent_withdrawn_by_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.given_on}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class PersonVersion(models.Model):
    """The history of a record: who changed which fields, when. Sensitive values are never copied here."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="versions")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.changed_at:%Y-%m-%d %H:%M}"


# --- Deduplication (record linkage, review, merge) ----------------------------------------------------


class DedupSettings(models.Model):
    """The thresholds of deduplication, one row for the whole registry (set by a national administrator)."""

    review_threshold = models.FloatField(
        _("review threshold"),
        default=0.5,
        help_text=_("Pairs at or above this match probability are reviewed."),
    )
    auto_merge_threshold = models.FloatField(
        _("automatic merge threshold"),
        null=True,
        blank=True,
        help_text=_("Pairs at or above this probability are merged without review; empty: never."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("deduplication settings")
        verbose_name_plural = _("deduplication settings")

    def __str__(self) -> str:
        return f"review ≥ {self.review_threshold}, auto-merge ≥ {self.auto_merge_threshold}"

    @classmethod
    def current(cls) -> DedupSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class LinkageRun(models.Model):
    """One batch deduplication of the registry: when, by whom, and what it found."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    records = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    auto_merged = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("deduplication run")
        verbose_name_plural = _("deduplication runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} · {self.get_status_display()}"


class MatchCandidate(models.Model):
    """Two records that may be the same person, with the probability and what agreed; lower id first."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Not the same person")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    agreed = models.JSONField(_("what agreed"), default=list, blank=True)
    cluster = models.PositiveIntegerField(null=True, blank=True)
    cross_organisation = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    run = models.ForeignKey(LinkageRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_candidate_per_pair")
        ]
        indexes = [models.Index(fields=["status", "probability"])]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.probability:.2f})"


class Merge(models.Model):
    """A merge and everything needed to undo it: what moved from the merged record, what was removed."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        MatchCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    automatic = models.BooleanField(default=False)
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


from kafaat.registry.match_key_models import MatchFrequency, MatchKey, MatchKeyState  # noqa: E402, F401, I001
