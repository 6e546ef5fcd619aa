"""The IATI activity as plain dataclasses: what the export (`document`) writes and the rules (`rules`) check.

Moved down from ``iati.py`` (now ``document.py``), so that the rules no longer import the module that
calls them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

LANGUAGES = ("fr", "ar", "en")
Number = int | Decimal | float


class IatiError(ValueError):
    """The activity cannot be exported; ``problems`` says why, one line each, in the reader's language;
    ``details``: the schema validator's own messages (English, technical), when it is the one refusing."""

    def __init__(self, problems: Sequence[str], details: Sequence[str] = ()):
        self.problems = list(problems)
        self.details = list(details)
        super().__init__("IATI export refused:\n- " + "\n- ".join(self.problems + self.details))


@dataclass(frozen=True)
class Narrative:
    text: str
    lang: str | None = None  # None: the activity's default language


Texts = Sequence[Narrative]


@dataclass(frozen=True)
class Org:
    """reporting-org (ref and type required), participating-org (role required), provider/receiver-org."""

    narratives: Texts
    ref: str | None = None
    type: str | None = None  # OrganisationType codelist: 10 government, 22 national NGO, 40 multilateral...
    role: str | None = None  # OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing
    activity_id: str | None = None


@dataclass(frozen=True)
class Dates:
    planned_start: date | None = None
    actual_start: date | None = None
    planned_end: date | None = None
    actual_end: date | None = None


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, e.g. "MA"
    percentage: Number | None = None
    narratives: Texts = ()


@dataclass(frozen=True)
class Region:
    """A supranational region (IATI's recipient-region; e.g. OECD DAC 189 "North of Sahara")."""

    code: str
    vocabulary: str = "1"
    percentage: Number | None = None
    vocabulary_uri: str | None = None
    narratives: Texts = ()


@dataclass(frozen=True)
class Administrative:
    vocabulary: str  # GeographicVocabulary: A1, A2, A3, A4, G1 (GeoNames), G2 (OpenStreetMap)
    code: str
    level: int | None = None


@dataclass(frozen=True)
class Location:
    """A sub-national place (a Moroccan region or province): IATI puts those in ``location``, not regions."""

    name: Texts
    ref: str | None = None  # e.g. the territory's ISO 3166-2 code "MA-06"
    reach: str | None = "2"  # 1 activity, 2 intended beneficiaries
    administrative: Sequence[Administrative] = ()
    point: tuple[float, float] | None = None  # (latitude, longitude), WGS 84
    exactness: str | None = None  # 1 exact, 2 approximate
    location_class: str | None = "1"  # 1 administrative region, 2 populated place
    feature_designation: str | None = None  # e.g. ADM1, ADM2


@dataclass(frozen=True)
class Sector:
    code: str  # vocabulary 1: OECD DAC 5-digit purpose code, e.g. "11330" vocational training
    percentage: Number | None = None
    vocabulary: str = "1"
    narratives: Texts = ()


@dataclass(frozen=True)
class Money:
    value: Number
    value_date: date
    currency: str | None = None  # None: the activity's default currency


@dataclass(frozen=True)
class Budget:
    period_start: date
    period_end: date
    value: Money
    type: str = "1"  # 1 original, 2 revised
    status: str = "1"  # 1 indicative, 2 committed


@dataclass(frozen=True)
class Transaction:
    type: str  # TransactionType: 1 incoming funds, 2 outgoing commitment, 3 disbursement, 4 expenditure...
    date: date
    value: Money
    ref: str | None = None
    description: Texts = ()
    provider: Org | None = None
    receiver: Org | None = None


@dataclass(frozen=True)
class Dimension:
    name: str  # e.g. "sex", "age", "disability"
    value: str  # e.g. "female", "15-24"


@dataclass(frozen=True)
class Value:
    """A target or actual. ``value`` None (e.g. a suppressed small count) needs a comment saying why."""

    value: Number | None
    dimensions: Sequence[Dimension] = ()
    comment: Texts = ()


@dataclass(frozen=True)
class Baseline:
    year: int
    value: Number | None
    iso_date: date | None = None
    dimensions: Sequence[Dimension] = ()
    comment: Texts = ()


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    targets: Sequence[Value] = ()
    actuals: Sequence[Value] = ()


@dataclass(frozen=True)
class Indicator:
    title: Texts
    measure: str = "1"  # IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative
    ascending: bool = True
    description: Texts = ()
    reference: tuple[str, str] | None = None  # (vocabulary, code); e.g. ("99", "KAF-OC1.2")
    baselines: Sequence[Baseline] = ()
    periods: Sequence[Period] = ()


@dataclass(frozen=True)
class Result:
    type: str  # ResultType: 1 output, 2 outcome, 3 impact, 9 other
    title: Texts
    indicators: Sequence[Indicator]
    description: Texts = ()
    aggregation_status: bool | None = None


@dataclass(frozen=True)
class Activity:
    identifier: str  # the reporting organisation's ref, a hyphen, then the project's own id
    reporting_org: Org
    title: Texts
    description: Texts
    participating_orgs: Sequence[Org]
    status: str  # ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled
    dates: Dates
    last_updated: datetime
    default_currency: str = "MAD"
    default_lang: str = "fr"
    objectives: Texts = ()
    target_groups: Texts = ()
    scope: str | None = None  # ActivityScope: 4 national, 6 sub-national multi-first-level...
    countries: Sequence[Country] = (Country("MA"),)
    regions: Sequence[Region] = ()
    locations: Sequence[Location] = ()
    sectors: Sequence[Sector] = ()
    collaboration_type: str | None = None
    default_flow_type: str | None = None
    default_finance_type: str | None = None
    default_aid_type: str | None = None  # vocabulary 1, e.g. "C01" project-type interventions
    default_tied_status: str | None = None
    budgets: Sequence[Budget] = ()
    transactions: Sequence[Transaction] = ()
    results: Sequence[Result] = ()


# Published data, not interface text: the file carries all three languages whatever the reader's.
SUPPRESSED_COMMENT = (
    Narrative("Not shown: a small number, or hidden so that totals cannot reveal one.", "en"),
    Narrative(
        "Non affiché : petit effectif, ou masqué pour que les totaux ne puissent pas le révéler.", "fr"
    ),
    Narrative("غير معروض: عدد صغير، أو حُجب كي لا تكشفه المجاميع.", "ar"),
)


def value_of(figure: object, dimensions: Sequence[Dimension] = ()) -> Value:
    """A target or actual from a number or a :class:`~kafaat.results.suppression.Cell`; a suppressed cell
    becomes a value-less ``Value`` with :data:`SUPPRESSED_COMMENT`, so no hidden number is written."""
    if getattr(figure, "suppressed", False):
        return Value(None, dimensions, SUPPRESSED_COMMENT)
    number = getattr(figure, "value", figure)
    if number is not None and (isinstance(number, bool) or not isinstance(number, int | float | Decimal)):
        raise ValueError(f"Not a number: {figure!r}.")
    return Value(number, dimensions)  # type: ignore[arg-type]
