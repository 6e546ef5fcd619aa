"""Demo grants: one restricted call of the Kafaat programme (agence-kafaat, PRAG grid) with two lots
(Oriental, Tanger-Tétouan-Al Hoceïma): 40 concept notes, 15 shortlisted full applications, 3 reviewers each
with one declared conflict (replaced by the third), scores and decisions, 6 awards with agreements whose
tranches are in every state (planned, released, paid), one interim report accepted with its expenditure and
indicator values, one submitted (to review), one due within the week; an open call with a draft for each
applicant log-in; and for the demo `reviewer`, assignments still to declare and to score.

Rows are written with the models, deterministically (dates relative to today), with consistent totals: an
application's total cost and amount requested are its budget lines', a review's total the points of its
scores on 100. Idempotent: nothing is written when the call is there already."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kafaat.core import audit
from kafaat.core.models import Organisation, Project, Territory
from kafaat.grants.models import (
    Application,
    Assignment,
    BudgetLine,
    Call,
    Decision,
    EligibilityCheck,
    GridCriterion,
    IndicatorContribution,
    Lot,
    Score,
    Stage,
    TargetGroup,
)
from kafaat.grants.prag import seed_grid
from kafaat.results.models import Indicator
from kafaat.synth.demo.grant_agreements import at as _at
from kafaat.synth.demo.grant_agreements import make_agreements

CALL_CODE = "kafaat-pilotes-2026"
OPEN_CALL_CODE = "kafaat-micro-projets-2027"
PROJECT_CODE = "kafaat-emploi"
REVIEWERS = ("reviewer", "reviewer2", "reviewer3")
# Applicant organisations, in turn; the applicant log-ins' are the first two.
APPLICANTS = ("amal-oujda", "tanmia-tanger", "nour-rabat", "atlas-beni-mellal", "ista-oujda")
PROVINCES = {"L1": ("02.411", "02.381", "02.113"), "L2": ("01.511", "01.571", "01.331")}
CONCEPT_NOTES, SHORTLISTED, AWARDS = 40, 15, 6
INELIGIBLE = (7, 23)  # concept notes found not eligible (their numbers)
INDICATORS = ("P1.5", "P2.1")  # the logframe indicators the projects contribute to
TITLES = [
    "Insertion des jeunes NEET par l'apprentissage",
    "Femmes rurales et métiers de l'agro-industrie",
    "Compétences numériques pour les jeunes des quartiers",
    "Accompagnement des migrants vers l'emploi",
    "Chantiers-écoles du bâtiment",
    "Coopératives féminines d'artisanat",
    "Tourisme solidaire et guides locaux",
    "Logistique portuaire : premiers emplois",
    "Couture industrielle et textile",
    "Aide à domicile et soins",
]
BUDGET = [  # category, description, unit, quantity, unit cost (MAD), co-financing share
    ("staff", "Coordinateur·rice du projet", "mois", 12, 9000),
    ("training", "Sessions de formation", "session", 10, 18000),
    ("equipment", "Matériel pédagogique", "lot", 1, 60000),
    ("travel", "Déplacements des bénéficiaires", "forfait", 1, 30000),
]
COFINANCING = Decimal("0.15")


@transaction.atomic
def load_grants_demo(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    created = {"grant_calls": 0, "grant_applications": 0, "grant_agreements": 0}
    if Call.objects.filter(code=CALL_CODE).exists():
        return created
    project = Project.objects.get(code=PROJECT_CODE)
    agency = Organisation.objects.get(code="agence-kafaat")
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=(*REVIEWERS, "manager", "admin", "candidat.amal", "candidat.tanmia")
        )
    }
    officer, committee = users["admin"], users["manager"]
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=APPLICANTS)}
    territories = {
        t.code: t for t in Territory.objects.filter(code__in=[*sum(PROVINCES.values(), ()), "MA-01", "MA-02"])
    }
    indicators = list(Indicator.objects.filter(project=project, code__in=INDICATORS).order_by("code"))

    call = Call.objects.create(
        code=CALL_CODE,
        project=project,
        organisation=agency,
        procedure=Call.Procedure.RESTRICTED,
        status=Call.Status.CLOSED,
        name_fr="Projets pilotes d'insertion 2026",
        name_ar="مشاريع نموذجية للإدماج 2026",
        name_en="Inclusion pilot projects 2026",
        description_fr="Subventions aux projets pilotes qui forment et insèrent les publics "
        "éloignés de l'emploi, "
        "en partenariat avec les groupes de travail régionaux.",
        min_grant=Decimal("200000"),
        max_grant=Decimal("1000000"),
        cofinancing_rate=Decimal("10"),
        opens_at=_at(today - timedelta(days=240)),
        closes_at=_at(today - timedelta(days=200), 16),
        full_closes_at=_at(today - timedelta(days=165), 16),
        reviewers_per_application=2,
        created_by=officer,
    )
    call.reviewers.add(*(users[name] for name in REVIEWERS))
    lots = {
        "L1": Lot.objects.create(
            call=call,
            code="L1",
            name_fr="Oriental",
            name_ar="الشرق",
            name_en="Oriental",
            budget=Decimal("3000000"),
            territory=territories["MA-02"],
        ),
        "L2": Lot.objects.create(
            call=call,
            code="L2",
            name_fr="Tanger-Tétouan-Al Hoceïma",
            name_ar="طنجة تطوان الحسيمة",
            name_en="Tanger-Tétouan-Al Hoceïma",
            budget=Decimal("2500000"),
            territory=territories["MA-01"],
        ),
    }
    seed_grid(call)
    criteria = {
        stage: list(
            GridCriterion.objects.filter(section__call=call, section__stage=stage).order_by(
                "section__position", "position"
            )
        )
        for stage in (Stage.CONCEPT, Stage.FULL)
    }
    eligibility = list(call.eligibility_criteria.filter(stage=Stage.CONCEPT))

    applications = []
    for n in range(1, CONCEPT_NOTES + 1):
        lot = "L1" if n % 2 else "L2"
        organisation = organisations[APPLICANTS[(n - 1) % len(APPLICANTS)]]
        application = Application.objects.create(
            call=call,
            lot=lots[lot],
            organisation=organisation,
            reference=f"KP26-{n:03}",
            status="concept_submitted",
            title=f"{TITLES[(n - 1) % len(TITLES)]} ({n})",
            language="ar" if n % 5 == 2 else "fr",
            summary="Former et accompagner vers l'emploi des personnes éloignées du marché du "
            "travail, avec les "
            "employeurs et le groupe de travail régional.",
            territory=territories[PROVINCES[lot][n % 3]],
            duration_months=12 + (n % 3) * 6,
            created_by=None,
            concept_submitted_at=_at(today - timedelta(days=205 + n % 5)),
        )
        applications.append(application)
    for n, application in enumerate(applications, start=1):
        TargetGroup.objects.create(
            application=application,
            group="neet_youth" if n % 2 else "women",
            women=20 + n % 7 * 5,
            men=15 + n % 5 * 4,
        )
        lines = [
            BudgetLine(
                application=application,
                position=i,
                category=c,
                description=d,
                unit=u,
                quantity=Decimal(q),
                unit_cost=Decimal(cost + 1000 * (n % 9)),
                cofinancing=(Decimal(q) * Decimal(cost + 1000 * (n % 9)) * COFINANCING).quantize(
                    Decimal("1")
                ),
            )
            for i, (c, d, u, q, cost) in enumerate(BUDGET, start=1)
        ]
        BudgetLine.objects.bulk_create(lines)
        application.total_cost = sum((line.total for line in lines), Decimal("0"))
        application.requested_amount = application.total_cost - sum(
            (line.cofinancing for line in lines), Decimal("0")
        )
        for criterion in eligibility:
            EligibilityCheck.objects.create(
                application=application,
                criterion=criterion,
                passed=not (n in INELIGIBLE and criterion.position == 2),
                reason="" if n not in INELIGIBLE else "L'action ne se déroule pas dans la région du lot.",
                checked_by=officer,
            )

    # Concept notes: eligible ones reviewed by two of the three reviewers; each reviewer declares one conflict
    # (on notes 3, 4, 5) and the third reviewer replaces them.
    reviewers = [users[name] for name in REVIEWERS]
    eligible = [a for n, a in enumerate(applications, start=1) if n not in INELIGIBLE]
    concept_scores = {}
    for index, application in enumerate(eligible):
        pair = [reviewers[index % 3], reviewers[(index + 1) % 3]]
        conflicted = None
        if index in (3, 4, 5):  # reviewer (index 3), reviewer2 (4), reviewer3 (5) each declare one conflict
            conflicted = reviewers[index - 3]
            if conflicted not in pair:
                pair[0] = conflicted
        strength = _strength(index)
        concept_scores[application.pk] = strength
        for reviewer in pair:
            if reviewer == conflicted:
                gone = Assignment.objects.create(
                    application=application,
                    stage=Stage.CONCEPT,
                    reviewer=reviewer,
                    assigned_by=officer,
                    status=Assignment.Status.CONFLICTED,
                    declared_at=_at(today - timedelta(days=195)),
                    conflict_reason="Membre du conseil d'administration d'une association partenaire.",
                )
                substitute = next(r for r in reviewers if r not in pair)
                _review(
                    application,
                    Stage.CONCEPT,
                    substitute,
                    officer,
                    criteria[Stage.CONCEPT],
                    strength,
                    today,
                    replaces=gone,
                )
            else:
                _review(
                    application, Stage.CONCEPT, reviewer, officer, criteria[Stage.CONCEPT], strength, today
                )
    ranked = sorted(eligible, key=lambda a: (-concept_scores[a.pk], a.reference))
    shortlisted = ranked[:SHORTLISTED]
    for application in applications:
        if application not in eligible:
            application.status = "concept_ineligible"
        elif application in shortlisted:
            application.status = "full_submitted"
            application.submitted_at = _at(today - timedelta(days=168))
            Decision.objects.create(
                application=application,
                stage=Stage.CONCEPT,
                outcome=Decision.Outcome.SHORTLISTED,
                reason="Note conceptuelle pertinente et faisable.",
                decided_by=committee,
                rank=shortlisted.index(application) + 1,
            )
        else:
            application.status = "concept_rejected"
            Decision.objects.create(
                application=application,
                stage=Stage.CONCEPT,
                outcome=Decision.Outcome.REJECTED,
                reason="Note inférieure à celle des notes retenues.",
                decided_by=committee,
            )
        application.save()

    # Full applications: contributions to the logframe, two reviews each; three still in review (the demo
    # reviewer: one to declare, one to score); then the decisions.
    for index, application in enumerate(shortlisted):
        for indicator in indicators:
            IndicatorContribution.objects.create(
                application=application, indicator=indicator, target=Decimal(40 + index * 5)
            )
    in_review = shortlisted[-3:]
    decided = shortlisted[:-3]
    for index, application in enumerate(shortlisted):
        pair = [reviewers[(index + 1) % 3], reviewers[(index + 2) % 3]]
        strength = _strength(index + 7)
        if application in in_review:
            position = in_review.index(application)
            mine = users["reviewer"]
            other = next(r for r in reviewers if r != mine and r in pair) if mine in pair else pair[1]
            _review(application, Stage.FULL, other, officer, criteria[Stage.FULL], strength, today)
            if position == 0:
                Assignment.objects.create(
                    application=application, stage=Stage.FULL, reviewer=mine, assigned_by=officer
                )
            elif position == 1:
                Assignment.objects.create(
                    application=application,
                    stage=Stage.FULL,
                    reviewer=mine,
                    assigned_by=officer,
                    status=Assignment.Status.CLEARED,
                    declared_at=_at(today - timedelta(days=2)),
                )
            else:
                _review(application, Stage.FULL, mine, officer, criteria[Stage.FULL], strength, today)
            continue
        for reviewer in pair:
            _review(application, Stage.FULL, reviewer, officer, criteria[Stage.FULL], strength, today)
    decided = _awards_first(decided)
    awarded, reserve = decided[:AWARDS], decided[AWARDS : AWARDS + 2]
    for rank, application in enumerate(decided, start=1):
        if application in awarded:
            outcome, reason, status = (
                Decision.Outcome.AWARDED,
                "Projet retenu pour une subvention.",
                "awarded",
            )
        elif application in reserve:
            outcome, reason, status = (
                Decision.Outcome.RESERVE,
                "Projet de qualité, budget du lot épuisé.",
                "reserve",
            )
        else:
            outcome, reason, status = (
                Decision.Outcome.REJECTED,
                "Note inférieure au seuil de la section.",
                "rejected",
            )
        Decision.objects.create(
            application=application,
            stage=Stage.FULL,
            outcome=outcome,
            reason=reason,
            rank=rank,
            decided_by=committee,
            amount=application.requested_amount if application in awarded else None,
        )
        application.status = status
        application.save(update_fields=["status"])
    agreements = make_agreements(awarded, officer, today)
    _drafts(project, agency, organisations, users, territories, today)
    audit.record(
        audit.Action.CREATE, None, call, details={"source": "demo", "applications": len(applications)}
    )
    created.update(grant_calls=2, grant_applications=len(applications) + 2, grant_agreements=len(agreements))
    return created


def _awards_first(decided: list[Application]) -> list[Application]:
    """The decided applications with the awards first, placed so that the applicant log-ins' organisations get
    the agreement with a report submitted (Tanmia, second) and the one with a report due this week (Amal,
    fifth)."""
    by_code = {}
    for application in decided:
        by_code.setdefault(application.organisation.code, application)
    amal, tanmia = by_code.get("amal-oujda"), by_code.get("tanmia-tanger")
    rest = [a for a in decided if a not in (amal, tanmia)]
    awards = rest[:4]
    if tanmia is not None:
        awards.insert(1, tanmia)
    if amal is not None:
        awards.insert(4, amal)
    awards = (awards + [a for a in rest if a not in awards])[:AWARDS]
    return awards + [a for a in decided if a not in awards]


def _strength(index: int) -> int:
    """A deterministic quality (2 to 5) for an application's scores."""
    return 2 + (index * 7) % 4


def _review(application, stage, reviewer, officer, criteria, strength, today, replaces=None) -> Assignment:
    """A submitted review: each criterion scored around the application's strength, the total on 100."""
    assignment = Assignment.objects.create(
        application=application,
        stage=stage,
        reviewer=reviewer,
        assigned_by=officer,
        replaces=replaces,
        status=Assignment.Status.SUBMITTED,
        declared_at=_at(today - timedelta(days=190)),
        submitted_at=_at(today - timedelta(days=185)),
        comment="Évaluation complète.",
    )
    scores, points, maximum = [], Decimal("0"), Decimal("0")
    for i, criterion in enumerate(criteria):
        score = max(1, min(5, strength + (i + reviewer.pk) % 3 - 1))
        scores.append(
            Score(
                assignment=assignment,
                criterion=criterion,
                score=score,
                comment="Justification du score." if score in GridCriterion.COMMENT_REQUIRED else "",
            )
        )
        points += criterion.weight * score
        maximum += criterion.weight * 5
    Score.objects.bulk_create(scores)
    assignment.total = (points * 100 / maximum).quantize(Decimal("0.01"))
    assignment.save(update_fields=["total"])
    return assignment


def _drafts(project, agency, organisations, users, territories, today: date) -> None:
    """An open call, open now, with a draft for each applicant log-in."""
    call = Call.objects.create(
        code=OPEN_CALL_CODE,
        project=project,
        organisation=agency,
        procedure=Call.Procedure.OPEN,
        status=Call.Status.PUBLISHED,
        name_fr="Micro-projets d'insertion 2027",
        name_ar="مشاريع صغرى للإدماج 2027",
        name_en="Inclusion micro-projects 2027",
        min_grant=Decimal("50000"),
        max_grant=Decimal("300000"),
        cofinancing_rate=Decimal("10"),
        opens_at=_at(today - timedelta(days=5)),
        closes_at=_at(today + timedelta(days=40), 16),
        reviewers_per_application=2,
        created_by=users["admin"],
    )
    call.reviewers.add(*(users[name] for name in REVIEWERS))
    lot = Lot.objects.create(
        call=call,
        code="L1",
        name_fr="National",
        name_ar="وطني",
        name_en="National",
        budget=Decimal("1500000"),
    )
    seed_grid(call)
    for number, (code, login, province) in enumerate(
        (("amal-oujda", "candidat.amal", "02.411"), ("tanmia-tanger", "candidat.tanmia", "01.511")), start=1
    ):
        application = Application.objects.create(
            call=call,
            lot=lot,
            organisation=organisations[code],
            reference=f"KM27-{number:03}",
            status="draft",
            title="Atelier de réparation et insertion des jeunes",
            summary="Projet en cours de rédaction.",
            territory=territories[province],
            duration_months=12,
            created_by=users.get(login),
        )
        TargetGroup.objects.create(application=application, group="neet_youth", women=10, men=10)
