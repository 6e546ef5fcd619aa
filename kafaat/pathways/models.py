"""Each step of a person's pathway, recorded against an organisation and a donor project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kafaat.core.fields import NameField
from kafaat.core.models import Organisation, Project
from kafaat.registry.models import Person


class StepKind(models.TextChoices):
    INTAKE = "intake", _("Intake and orientation")
    ASSESSMENT = "assessment", _("Skills assessment")
    REFERRAL = "referral", _("Referral")
    ENROLMENT = "enrolment", _("Enrolment in training")
    DROPOUT = "dropout", _("Dropout")
    COMPLETION = "completion", _("Completion of training")
    CERTIFICATION = "certification", _("Certification")
    PLACEMENT = "placement", _("Placement")
    FOLLOW_UP = "follow_up", _("Follow-up")


# The kind of step each kind answers to (its predecessor), when it has one.
PARENT_KIND: dict[str, tuple[str, ...]] = {
    StepKind.ENROLMENT: (StepKind.REFERRAL,),
    StepKind.DROPOUT: (StepKind.ENROLMENT,),
    StepKind.COMPLETION: (StepKind.ENROLMENT,),
    StepKind.CERTIFICATION: (StepKind.COMPLETION, StepKind.ENROLMENT),
    StepKind.PLACEMENT: (StepKind.CERTIFICATION, StepKind.COMPLETION, StepKind.ENROLMENT),
    StepKind.FOLLOW_UP: (StepKind.PLACEMENT,),
}
# Kinds that make no sense without their predecessor.
PARENT_REQUIRED = {StepKind.DROPOUT, StepKind.COMPLETION, StepKind.FOLLOW_UP}


class ReferralTarget(models.TextChoices):
    TRAINING = "training", _("A training programme")
    ORGANISATION = "organisation", _("Another organisation's services")
    INCUBATION = "incubation", _("Business incubation")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    DONE = "done", _("Done")


class DropoutReason(models.TextChoices):
    EMPLOYMENT = "employment", _("Found a job")
    FAMILY = "family", _("Family reasons")
    HEALTH = "health", _("Health")
    TRANSPORT = "transport", _("Distance or transport")
    FINANCIAL = "financial", _("Financial reasons")
    MOTIVATION = "motivation", _("Lost interest")
    MIGRATION = "migration", _("Moved away")
    OTHER = "other", _("Other")


class Credential(models.TextChoices):
    DIPLOMA = "diploma", _("Diploma")
    ATTESTATION = "attestation", _("Training attestation")
    CERTIFICATE = "certificate", _("Skills certificate")
    RPL = "rpl", _("Recognition of prior learning (VAE)")


class PlacementType(models.TextChoices):
    SALARIED_JOB = "salaried_job", _("Salaried job")
    INTERNSHIP = "internship", _("Internship")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment")
    INCOME_GENERATING_ACTIVITY = "income_generating_activity", _("Income-generating activity")
    INCUBATED_ENTERPRISE = "incubated_enterprise", _("Incubated micro-enterprise")


class ContractType(models.TextChoices):
    CDI = "cdi", _("Permanent contract (CDI)")
    CDD = "cdd", _("Fixed-term contract (CDD)")
    IDMAJ = "idmaj", _("Insertion contract (Idmaj / CI)")
    SEASONAL = "seasonal", _("Seasonal")
    INFORMAL = "informal", _("No written contract")
    NONE = "none", _("Not applicable")


class WageBand(models.TextChoices):
    BELOW_SMIG = "below_smig", _("Below the minimum wage")
    SMIG_TO_4000 = "smig_4000", _("Minimum wage to 4,000 MAD")
    FROM_4000_TO_6000 = "4000_6000", _("4,000 to 6,000 MAD")
    ABOVE_6000 = "above_6000", _("Above 6,000 MAD")


class Participation(models.Model):
    """A person served under a project: the first step recorded for the project makes it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField()

    class Meta:
        verbose_name = _("participation in a project")
        verbose_name_plural = _("participations in projects")
        constraints = [
            models.UniqueConstraint(fields=["person", "project"], name="one_participation_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.project}"


class Step(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="steps")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="steps"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.DONE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("answers to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    outcome = models.CharField(_("outcome / note"), max_length=300, blank=True)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)

    # Assessment
    skill_level = models.CharField(_("skill level"), max_length=20, blank=True)
    prior_learning_recognised = models.BooleanField(_("prior learning recognised"), null=True, blank=True)
    # Referral
    referral_target = models.CharField(
        _("referred to"), max_length=20, choices=ReferralTarget.choices, blank=True
    )
    target_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Enrolment
    programme = models.CharField(_("training programme"), max_length=200, blank=True)
    # The catalogue's programme the text names, when it names one; text without it is "to be matched".
    # By name, not by import: training reads pathways (ADR 0008), pathways' code does not read training.
    training_programme = models.ForeignKey(
        "training.Programme",
        verbose_name=_("programme in the catalogue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # most steps name none: the partial indexes below hold only those that do
    )
    cohort = models.CharField(_("cohort"), max_length=100, blank=True)
    # Dropout
    dropout_reason = models.CharField(
        _("dropout reason"), max_length=20, choices=DropoutReason.choices, blank=True
    )
    # Certification
    credential = models.CharField(_("credential"), max_length=20, choices=Credential.choices, blank=True)
    level = models.CharField(_("level"), max_length=50, blank=True)
    # Placement
    placement_type = models.CharField(
        _("placement type"), max_length=30, choices=PlacementType.choices, blank=True
    )
    employer_name = NameField(_("employer"), max_length=200, blank=True)
    employer = models.ForeignKey(
        "labour.Employer",
        verbose_name=_("employer in the registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # most steps name none: the partial indexes below hold only those that do
    )
    sector = models.CharField(_("sector (ISIC section)"), max_length=1, blank=True)
    contract_type = models.CharField(_("contract"), max_length=20, choices=ContractType.choices, blank=True)
    wage_band = models.CharField(_("wage band"), max_length=20, choices=WageBand.choices, blank=True)
    # Follow-up
    follow_up_months = models.PositiveSmallIntegerField(_("months after placement"), null=True, blank=True)
    still_employed = models.BooleanField(_("still employed or active"), null=True, blank=True)
    income_band = models.CharField(_("income band"), max_length=20, choices=WageBand.choices, blank=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pathway step")
        verbose_name_plural = _("pathway steps")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="unique_step_external_id_per_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "project", "kind", "date"]),
            models.Index(fields=["target_organisation", "kind", "status"]),
            models.Index(fields=["kind", "date"]),
            models.Index(
                fields=["training_programme"],
                condition=Q(training_programme__isnull=False),
                name="step_programme_linked",
            ),
            models.Index(
                fields=["employer"], condition=Q(employer__isnull=False), name="step_employer_linked"
            ),
            # The caseload's "referrals waiting for an answer", oldest first: a few thousand rows among
            # millions of steps, read in order without scanning every referral (benchmarks/caseload.py).
            models.Index(
                fields=["organisation", "date", "id"],
                condition=Q(kind="referral", status="pending"),
                name="step_pending_referral_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.date:%Y-%m-%d}"

    @property
    def programme_to_match(self) -> bool:
        """A programme named in free text that the catalogue did not give: to be matched."""
        return bool(self.programme) and self.training_programme_id is None

    @property
    def employer_to_match(self) -> bool:
        """An employer named in free text that the registry did not give: to be matched."""
        return bool(self.employer_name) and self.employer_id is None
