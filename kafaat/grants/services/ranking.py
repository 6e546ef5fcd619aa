"""The ranking of a stage, per lot: each reviewer's total, the mean, the spread (max − min, flagged above the
call's threshold), the section means against their thresholds, the pass mark; ranked by mean, with the
cumulative amount requested against the lot's budget (the fundable line).

Read in the same few queries whatever the number of applications (the applications with their reviews'
count, mean, highest and lowest total in one aggregate query; the section points summed by the database in
another), never one per application: benchmarks/grants.py measures it against the per-application way."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.utils.translation import gettext as _

from kafaat.core import access
from kafaat.core.l10n.formatting import language_of
from kafaat.core.l10n.names import FALLBACK, name_in
from kafaat.grants import access_rules
from kafaat.grants.models import Application, Assignment, Call, GridSection, Lot, Score
from kafaat.grants.services.assignment import ranked_states

CENT = Decimal("0.01")


@dataclass(slots=True)
class SectionResult:
    section: GridSection
    mean: Decimal
    passes: bool


@dataclass(slots=True)
class Row:
    pk: int
    reference: str
    title: str
    applicant: str
    lot_id: int
    status: str
    requested: Decimal
    reviews: int = 0  # submitted reviews
    totals: list[tuple[str, Decimal]] = field(default_factory=list)  # (reviewer, total on 100)
    mean: Decimal | None = None
    spread: Decimal | None = None
    flagged: bool = False
    sections: list[SectionResult] = field(default_factory=list)
    passes: bool = False
    rank: int | None = None
    cumulative: Decimal | None = None  # the requested amounts of the passing rows ranked up to this one
    fundable: bool = False


@dataclass
class LotRanking:
    lot: Lot
    rows: list[Row]

    @property
    def fundable_amount(self) -> Decimal:
        return sum((r.requested for r in self.rows if r.fundable), Decimal(0))


def visible_call(user, pk: int) -> Call:
    """A call whose ranking the user reads: its officers and its committee; 404 for anyone else."""
    call = Call.objects.filter(pk=pk).first()
    if call is None or not (access_rules.can_manage_call(user, call) or access_rules.can_decide(user, call)):
        raise access.OutOfScope(Call, pk)
    return call


def ranking(
    call: Call, stage: str, *, lot: int | None = None, language: str = "fr", detail: bool = True
) -> list[LotRanking]:
    """Every lot's ranking (or one lot's) for the stage; callers check the reader may see it
    (`visible_call`). The applications come with their reviews' count, mean, highest and lowest total in
    one aggregate query; the section points in another. `detail=False` leaves out what only a shown row
    needs (each reviewer's total, the sections without a threshold): a page fills them in for its rows
    (`fill_details`); the pass decision, the ranks and the fundable line are the same either way."""
    states = ranked_states(call, stage)
    reviews = Q(assignments__stage=stage, assignments__status=Assignment.Status.SUBMITTED)
    applications = Application.objects.filter(call=call, status__in=states)
    if lot:
        applications = applications.filter(lot_id=lot)
    applications = applications.annotate(
        reviews=Count("assignments", filter=reviews), mean=Avg("assignments__total", filter=reviews),
        high=Max("assignments__total", filter=reviews), low=Min("assignments__total", filter=reviews),
    ).values_list(
        "pk", "reference", "title", "lot_id", "status", "requested_amount",
        "organisation__name_fr", "organisation__name_ar", "organisation__name_en",
        "reviews", "mean", "high", "low",
    )  # fmt: skip
    position = {"fr": 6, "ar": 7, "en": 8}
    order = [position[candidate] for candidate in FALLBACK[language_of(language)]]
    rows: dict[int, Row] = {}
    for values in applications:
        applicant = next((values[i] for i in order if values[i]), "")
        row = Row(values[0], values[1], values[2], applicant, values[3], values[4], values[5])
        row.reviews = values[9]
        if row.reviews:
            row.mean = _cents(values[10])
            row.spread = _cents(values[11]) - _cents(values[12])
            row.flagged = row.spread > call.spread_threshold
        rows[row.pk] = row
    submitted = _submitted(call, stage, states, lot)
    sections = list(GridSection.objects.filter(call=call, stage=stage).order_by("position", "id"))
    read = sections if detail else [s for s in sections if s.threshold is not None]
    points = _section_points(submitted, read)
    for row in rows.values():
        if row.reviews:
            row.sections = [_section(section, points.get(row.pk, {}), row.reviews) for section in read]
            row.passes = row.mean >= call.pass_mark and all(s.passes for s in row.sections)
    if detail:
        _fill_totals(call, submitted, rows)
    lots = Lot.objects.filter(call=call).order_by("code")
    if lot:
        lots = lots.filter(pk=lot)
    by_lot: dict[int, list[Row]] = defaultdict(list)
    for row in rows.values():
        by_lot[row.lot_id].append(row)
    return [LotRanking(item, _ranked(item, by_lot[item.pk])) for item in lots]


def _cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _submitted(call: Call, stage: str, states: tuple[str, ...], lot: int | None) -> dict:
    submitted = {
        "stage": stage, "status": Assignment.Status.SUBMITTED, "application__call": call,
        "application__status__in": states,
    }  # fmt: skip
    if lot:
        submitted["application__lot_id"] = lot
    return submitted


def _fill_totals(call: Call, submitted: dict, rows: dict[int, Row]) -> None:
    """Each reviewer's total on each row, by the reviewer's user name."""
    names = dict(call.reviewers.values_list("pk", "username"))
    for row in rows.values():
        row.totals = []
    for application_id, reviewer_id, total in Assignment.objects.filter(**submitted).values_list(
        "application_id", "reviewer_id", "total"
    ):
        if application_id in rows and total is not None:
            rows[application_id].totals.append((names.get(reviewer_id) or str(reviewer_id), total))
    for row in rows.values():
        row.totals.sort()


def _section_points(submitted: dict, sections: list[GridSection]) -> dict[int, dict[int, Decimal]]:
    """{application: {section: the points of its submitted reviews, summed}}, in one aggregate query."""
    points: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if not sections:
        return points
    weighted = ExpressionWrapper(
        F("score") * F("criterion__weight"), output_field=DecimalField(max_digits=8, decimal_places=2)
    )
    for application_id, section_id, total in (
        Score.objects.filter(**{f"assignment__{k}": v for k, v in submitted.items()})
        .filter(criterion__section__in=sections)
        .values("assignment__application_id", "criterion__section_id")
        .annotate(points=Sum(weighted))
        .order_by()
        .values_list("assignment__application_id", "criterion__section_id", "points")
    ):
        points[application_id][section_id] = Decimal(str(total))
    return points


def fill_details(call: Call, stage: str, rows: list[Row]) -> None:
    """What a page shows of its rows beyond the ranking: each reviewer's total and every section's mean
    (two queries over those applications only)."""
    scored = {row.pk: row for row in rows if row.reviews}
    if not scored:
        return
    submitted = {"stage": stage, "status": Assignment.Status.SUBMITTED, "application_id__in": list(scored)}
    _fill_totals(call, submitted, scored)
    sections = list(GridSection.objects.filter(call=call, stage=stage).order_by("position", "id"))
    points = _section_points(submitted, sections)
    for row in scored.values():
        row.sections = [_section(section, points.get(row.pk, {}), row.reviews) for section in sections]


def _section(section: GridSection, points: dict[int, Decimal], reviewers: int) -> SectionResult:
    mean = (points.get(section.pk, Decimal(0)) / reviewers).quantize(CENT, rounding=ROUND_HALF_UP)
    return SectionResult(section, mean, section.threshold is None or mean >= section.threshold)


def _ranked(lot: Lot, rows: list[Row]) -> list[Row]:
    rows.sort(key=lambda r: (r.mean is None, -(r.mean or 0), r.reference))
    cumulative, line_crossed = Decimal(0), False
    for position, row in enumerate(rows, start=1):
        if row.mean is None:
            continue
        row.rank = position
        if row.passes:
            cumulative += row.requested
            row.cumulative = cumulative
            line_crossed = line_crossed or cumulative > lot.budget
            row.fundable = not line_crossed
    return rows


def select(
    rankings: list[LotRanking],
    *,
    min_mean: Decimal | None = None,
    max_mean: Decimal | None = None,
    passes: bool | None = None,
    fundable: bool | None = None,
    statuses: tuple[str, ...] = (),
) -> list[Row]:
    """All the rows of the rankings matching the filter (for the bulk decisions)."""
    chosen = []
    for ranked in rankings:
        for row in ranked.rows:
            if min_mean is not None and (row.mean is None or row.mean < min_mean):
                continue
            if max_mean is not None and (row.mean is None or row.mean > max_mean):
                continue
            if passes is not None and row.passes != passes:
                continue
            if fundable is not None and row.fundable != fundable:
                continue
            if statuses and row.status not in statuses:
                continue
            chosen.append(row)
    return chosen


def ranking_xlsx(call: Call, rankings: list[LotRanking], language: str) -> bytes:
    """The ranking as a spreadsheet, a sheet per lot; text can never run as a formula."""
    from openpyxl import Workbook

    from kafaat.core.imports.spreadsheets import xlsx_row

    workbook = Workbook(write_only=True)
    reviewers = max((len(r.totals) for lr in rankings for r in lr.rows), default=0)
    headings = [_("Rank"), _("Reference"), _("Title"), _("Applicant"), _("Amount requested")]
    headings += [_("Reviewer %(number)d") % {"number": n} for n in range(1, reviewers + 1)]
    headings += [_("Mean"), _("Spread"), _("Spread flagged"), _("Passes"), _("Cumulative"), _("Fundable")]
    numeric = [True, False, False, False, True] + [True] * reviewers + [True, True, False, False, True, False]
    yes, no = _("yes"), _("no")
    for ranked in rankings:
        sheet = workbook.create_sheet(title=ranked.lot.code[:31] or "-")
        sheet.append(xlsx_row(sheet, [name_in(ranked.lot, language, prefix="name")[0]]))
        sheet.append(xlsx_row(sheet, headings))
        for row in ranked.rows:
            totals = [float(t) for _r, t in row.totals] + [None] * (reviewers - len(row.totals))
            values = [
                row.rank,
                row.reference,
                row.title,
                row.applicant,
                float(row.requested),
                *totals,
                float(row.mean) if row.mean is not None else None,
                float(row.spread) if row.spread is not None else None,
                yes if row.flagged else no,
                yes if row.passes else no,
                float(row.cumulative) if row.cumulative is not None else None,
                yes if row.fundable else no,
            ]
            sheet.append(xlsx_row(sheet, values, numeric))
    if not rankings:
        workbook.create_sheet(title=call.code[:31])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
