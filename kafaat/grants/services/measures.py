"""The grants' figures and how they reach the results framework (docs/grants/funding.md "Results").

* `grant_figures`: the donor's and manager's aggregates — calls, applications by lot and applicant type,
  success rate, amounts awarded and disbursed, beneficiaries reached through grants by sex and vulnerability
  — over the calls of the projects the user's organisation takes part in; counts of people go through the
  engine's suppression (`results.suppression`: fewer than 5 hidden, with secondary suppression).
* `record_accepted_values`: an accepted report's indicator values feed the programme's logframe: for a manual
  indicator, a `ManualValue` per report period holding the sum of every accepted grant value up to that period
  (the engine reads a manual indicator's latest value up to the period's end: cumulative).
* `iati_activity` / `iati_document`: the results app's IATI activity of the project, with each grant payment
  as a disbursement transaction (receiver: the grantee) and each grantee as an implementing participating
  organisation.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from kafaat.core import access, audit
from kafaat.core.models import Organisation, Project
from kafaat.grants import access_rules
from kafaat.grants.models import Agreement, Application, Beneficiary, Call, Payment, Report, ReportedValue
from kafaat.registry.models import MigrationStatus, WashingtonGroup
from kafaat.results import exports, iati
from kafaat.results.models import ManualValue
from kafaat.results.suppression import Table1D, suppress_1d

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
# The states of an application that count as a grant given (awarded, then under agreement, then closed).
FUNDED = ("awarded", "contracted", "closed")
# Final outcomes of the full stage: the denominator of the success rate.
DECIDED = (*FUNDED, "rejected", "reserve")
MANUAL_NOTE = "grants"  # marks the ManualValue rows this module writes (data, not interface text)

VULNERABILITIES = {
    "migrant": _("Migrants and refugees"),
    "disability": _("People with a disability"),
    "neet": _("Young people not in employment, education or training"),
}
SEXES = {"F": _("Women"), "M": _("Men")}
MIGRANTS = (MigrationStatus.REGULAR_MIGRANT, MigrationStatus.REFUGEE, MigrationStatus.ASYLUM_SEEKER)


def calls_for_aggregates(user, project: Project | None = None) -> QuerySet[Call]:
    """The calls whose aggregates the user may read: those of the projects their organisations take part in
    (national administrators: all); none without the aggregates permission."""
    if not access.has_permission(user, access_rules.VIEW_AGGREGATES):
        raise access.Refused(access_rules.VIEW_AGGREGATES)
    calls = Call.objects.exclude(status=Call.Status.DRAFT)
    if not (getattr(user, "is_superuser", False) and user.is_active):
        calls = calls.filter(
            project__in=access.scoped(user, access.Permission.VIEW_PROJECT, Project.objects.all())
        )
    if project is not None:
        calls = calls.filter(project=project)
    return calls


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    applications: int
    funded: int


@dataclass(frozen=True)
class GrantFigures:
    calls: int
    applications: int
    by_lot: list[CountRow]
    by_applicant_type: list[CountRow]
    decided: int
    funded: int
    awarded: Decimal  # the agreements' amounts
    disbursed: Decimal  # the payments
    beneficiaries_by_sex: Table1D
    beneficiaries_by_vulnerability: dict[str, Table1D]  # group → {"yes", "no"} counts, suppressed

    @property
    def success_rate(self) -> Decimal | None:
        """The share of applications decided at the full stage that were funded (%)."""
        return (
            (Decimal(self.funded) * HUNDRED / self.decided).quantize(Decimal("0.1")) if self.decided else None
        )

    @property
    def beneficiaries(self):
        return self.beneficiaries_by_sex.total


def grant_figures(user, project: Project | None = None) -> GrantFigures:
    calls = calls_for_aggregates(user, project)
    applications = Application.objects.filter(call__in=calls).exclude(status="draft")
    funded = Q(status__in=FUNDED)
    by_lot = [
        CountRow(
            str(row["lot__code"]), f"{row['lot__code']} — {row['lot__name_fr']}", row["n"], row["funded"]
        )
        for row in applications.values("lot__code", "lot__name_fr", "lot__call__code")
        .annotate(n=Count("id"), funded=Count("id", filter=funded))
        .order_by("lot__call__code", "lot__code")
    ]
    type_labels = dict(Organisation.Type.choices)
    by_type = [
        CountRow(
            row["organisation__type"],
            str(type_labels.get(row["organisation__type"], row["organisation__type"])),
            row["n"],
            row["funded"],
        )
        for row in applications.values("organisation__type")
        .annotate(n=Count("id"), funded=Count("id", filter=funded))
        .order_by("organisation__type")
    ]
    agreements = Agreement.objects.filter(application__call__in=calls)
    awarded = agreements.aggregate(total=Sum("amount"))["total"] or ZERO
    disbursed = Payment.objects.filter(tranche__agreement__in=agreements).aggregate(total=Sum("amount"))[
        "total"
    ]
    people = [
        b.person
        for b in Beneficiary.objects.filter(agreement__in=agreements)
        .select_related("person")
        .only(
            "person", "person__sex", "person__migration_status", "person__disability_answers", "person__neet"
        )
    ]
    people = list({p.pk: p for p in people}.values())  # a person under two grants counts once
    sexes = Counter(p.sex if p.sex in SEXES else "unknown" for p in people)
    by_sex = suppress_1d({key: sexes.get(key, 0) for key in (*SEXES, "unknown")})
    groups = {
        "migrant": lambda p: p.migration_status in MIGRANTS,
        "disability": lambda p: bool(WashingtonGroup.has_disability(p.disability_answers)),
        "neet": lambda p: bool(p.neet),
    }
    by_vulnerability = {}
    for key, test in groups.items():
        yes = sum(1 for p in people if test(p))
        by_vulnerability[key] = suppress_1d({"yes": yes, "no": len(people) - yes})
    decided = applications.filter(status__in=DECIDED).count()
    return GrantFigures(
        calls=calls.count(),
        applications=applications.count(),
        by_lot=by_lot,
        by_applicant_type=by_type,
        decided=decided,
        funded=applications.filter(funded).count(),
        awarded=Decimal(awarded).quantize(CENT),
        disbursed=Decimal(disbursed or ZERO).quantize(CENT),
        beneficiaries_by_sex=by_sex,
        beneficiaries_by_vulnerability=by_vulnerability,
    )


# --- The logframe -----


def record_accepted_values(user, report: Report) -> list[ManualValue]:
    """Make an accepted report's values count for their indicators: for each manual indicator, the sum of
    every accepted grant value of that indicator up to each report period, as the indicator's value entered
    for that period (rewritten for the later periods, whose sums include this report). A computed indicator
    (one with a measure) takes its values from the warehouse instead: the reported value stays in grants."""
    written = []
    for value in report.values.select_related("indicator__project"):
        indicator = value.indicator
        if not indicator.is_manual:
            continue
        accepted = ReportedValue.objects.filter(indicator=indicator, report__status=Report.Status.ACCEPTED)
        ends = sorted(
            set(
                accepted.filter(report__period_end__gte=report.period_end).values_list(
                    "report__period_end", flat=True
                )
            )
        )
        for end in ends:
            total = (
                accepted.filter(report__period_end__lte=end).aggregate(total=Sum("value"))["total"] or ZERO
            )
            entry = ManualValue.objects.filter(indicator=indicator, period_end=end, note=MANUAL_NOTE).first()
            if entry is None:
                entry = ManualValue(indicator=indicator, period_end=end, note=MANUAL_NOTE)
            entry.period_start = indicator.project.start_date
            entry.value = total
            entry.entered_by = user if getattr(user, "is_authenticated", False) else None
            entry.save()
            written.append(entry)
            audit.record(
                audit.Action.UPDATE,
                user,
                entry,
                details={"source": "grants", "report": report.pk, "value": str(total)},
            )
    return written


# --- IATI -----


def _narratives(obj) -> list[iati.Narrative]:
    names = {lang: getattr(obj, f"name_{lang}", "") or obj.name_fr for lang in iati.LANGUAGES}
    return [iati.Narrative(text, lang) for lang, text in names.items() if text]


def _grantee(organisation: Organisation, role: str | None = None) -> iati.Org:
    return iati.Org(_narratives(organisation), type=exports.ORG_TYPES.get(organisation.type), role=role)


def grant_transactions(project: Project) -> list[iati.Transaction]:
    """Each payment of a grant of the project: a disbursement (type 3) to the grantee."""
    payments = (
        Payment.objects.filter(tranche__agreement__application__call__project=project)
        .select_related("tranche__agreement__application__organisation")
        .order_by("paid_on", "id")
    )
    return [
        iati.Transaction(
            type="3",
            date=p.paid_on,
            value=iati.Money(p.amount, p.paid_on, "MAD"),
            ref=p.reference,
            description=[iati.Narrative(f"{p.tranche.agreement.reference} — {p.tranche.number}", "fr")],
            receiver=_grantee(p.tranche.agreement.application.organisation),
        )
        for p in payments
    ]


def iati_activity(project: Project, end: date | None = None) -> iati.Activity:
    """The project's IATI activity (results app), with the grants' disbursements and the grantees as
    implementing organisations (always: the results app has no setting to leave them out)."""
    activity = exports.iati_activity(project, end)
    grantees = Organisation.objects.filter(
        grant_applications__agreement__isnull=False, grant_applications__call__project=project
    ).distinct()
    known = {(o.narratives[0].text if o.narratives else "", o.role) for o in activity.participating_orgs}
    extra = [o for o in (_grantee(g, "4") for g in grantees) if (o.narratives[0].text, o.role) not in known]
    return dataclasses.replace(
        activity,
        participating_orgs=[*activity.participating_orgs, *extra],
        transactions=[*activity.transactions, *grant_transactions(project)],
    )


def iati_document(project: Project, end: date | None = None) -> bytes:
    return iati.export_activity(iati_activity(project, end), generated=datetime.now(UTC))
