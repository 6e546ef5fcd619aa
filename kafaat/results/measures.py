"""The registry of measures: each named measure is a condition (and, for rates, a denominator) over the
warehouse's `journeys` table — one row per person and project, with the date each stage was first reached.

A period is `$start`–`$end` (inclusive); a person counts in a step's measure when they reached that step
within the period. Counts are of people, never of records: merged duplicates are one journey already.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

COUNT, PERCENT, DAYS = "count", "percent", "days"
UNKNOWN_CATEGORY = "unknown"

# Disaggregations: name → journeys column.
DIMENSIONS: dict[str, str] = {
    "sex": "sex",
    "age_band": "age_band",
    "disability": "disability",
    "migration": "migration",
    "region": "region",
    "province": "province",
    "programme": "programme",
    "sector": "sector",
}
DIMENSION_LABELS: dict[str, Promise] = {
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "disability": _("Disability"),
    "migration": _("Migrant or refugee status"),
    "region": _("Region"),
    "province": _("Province"),
    "programme": _("Training programme"),
    "sector": _("Sector (of the placement, or of the training)"),
}
# The "sector" disaggregation reads the sector of the step a measure counts: a measure of placements (and of
# what follows them) by the placement's sector (ISIC section of the job), a measure of training (enrolment
# to certification, and the placement rate of those who completed) by the training sector of the programme
# enrolled in. Registration, assessment and referral record no sector: their measures have no sector
# disaggregation (see `dimension_column`).
SECTOR_COLUMNS = {"placement": "sector", "training": "training_sector"}
# Columns an indicator's filters may restrict.
FILTERABLE = {*DIMENSIONS, "placement_type"}


def within(column: str) -> str:
    return f"({column} BETWEEN $start AND $end)"


@dataclass(frozen=True)
class Measure:
    code: str
    label: Promise | str
    unit: str
    numerator: str  # SQL condition on journeys (for DAYS: the rows averaged)
    denominator: str | None = None  # PERCENT: the population the share is of
    value: str | None = None  # DAYS: the expression averaged over the numerator's rows
    sector_step: str | None = None  # whose sector the sector disaggregation reads (SECTOR_COLUMNS)

    @property
    def is_rate(self) -> bool:
        return self.unit == PERCENT


REGISTRY: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    if measure.code in REGISTRY:
        raise ValueError(f"measure {measure.code} registered twice")
    REGISTRY[measure.code] = measure
    return measure


def dimension_column(dimension: str, measure: Measure) -> str | None:
    """The journeys column a measure is disaggregated by for `dimension`; None when it has no such
    disaggregation (the sector of a measure whose step records none)."""
    if dimension == "sector":
        return SECTOR_COLUMNS.get(measure.sector_step or "")
    return DIMENSIONS.get(dimension)


def dimensions_of(measure: Measure) -> tuple[str, ...]:
    """The disaggregations a measure supports."""
    return tuple(d for d in DIMENSIONS if dimension_column(d, measure) is not None)


def get(code: str) -> Measure:
    try:
        return REGISTRY[code]
    except KeyError:
        raise KeyError(f"unknown measure {code!r}") from None


# The pathway stages, each with the journeys column of the date it was first reached.
STEPS = {
    "registered": ("registered_on", _("People registered")),
    "assessed": ("assessed_on", _("People assessed")),
    "referred": ("referred_on", _("People referred")),
    "enrolled": ("enrolled_on", _("People enrolled in training")),
    "dropped_out": ("dropout_on", _("People who dropped out")),
    "completed": ("completed_on", _("People who completed training")),
    "certified": ("certified_on", _("People certified")),
    "placed": ("placed_on", _("People placed (job, internship, self-employment…)")),
}
# The step whose sector each stage's measures are disaggregated by (none before training).
STEP_SECTORS = {"enrolled": "training", "dropped_out": "training", "completed": "training",
                "certified": "training", "placed": "placement"}  # fmt: skip
for _step, (_column, _label) in STEPS.items():
    register(Measure(f"people_{_step}", _label, COUNT, within(_column), sector_step=STEP_SECTORS.get(_step)))

PLACED_WITHIN_6_MONTHS = (
    f"{within('completed_on')} AND placed_on IS NOT NULL "
    "AND placed_on BETWEEN completed_on AND completed_on + INTERVAL 6 MONTH"
)
ENDED = f"({within('dropout_on')} OR {within('completed_on')})"
register(
    Measure(
        "placed_within_6_months",
        _("People placed within 6 months of completing training"),
        COUNT,
        PLACED_WITHIN_6_MONTHS,
        sector_step="placement",
    )
)
register(
    Measure(
        "employed_at_12_months",
        _("People still employed or active 12 months after placement"),
        COUNT,
        within("employed_12_on"),
        sector_step="placement",
    )
)
register(
    Measure("dropout_rate", _("Dropout rate"), PERCENT, within("dropout_on"), ENDED, sector_step="training")
)
register(
    Measure(
        "completion_rate",
        _("Completion rate"),
        PERCENT,
        within("completed_on"),
        ENDED,
        sector_step="training",
    )
)
register(
    Measure(
        "placement_rate",
        _("Placement rate within 6 months of completion"),
        PERCENT,
        PLACED_WITHIN_6_MONTHS,
        within("completed_on"),
        sector_step="training",  # a share of those who completed: by the sector they were trained in
    )
)
register(
    Measure(
        "employment_rate_12_months",
        _("Share still employed or active at the 12-month follow-up"),
        PERCENT,
        within("employed_12_on"),
        within("followed_12_on"),
        sector_step="placement",
    )
)
register(
    Measure(
        "days_to_placement",
        _("Average days from registration to placement"),
        DAYS,
        f"{within('placed_on')} AND registered_on IS NOT NULL",
        value="date_diff('day', registered_on, placed_on)",
        sector_step="placement",
    )
)

# Equity: each group's share of the people at each step.
GROUPS = {
    "women": ("sex = 'F'", _("Women's share")),
    "migrant": ("migration IN ('migrant', 'refugee')", _("Migrants' and refugees' share")),
    "disability": ("disability = 'yes'", _("Share of people with a disability")),
}
for _group, (_condition, _group_label) in GROUPS.items():
    for _step, (_column, _label) in STEPS.items():
        register(
            Measure(
                f"{_group}_share_{_step}",
                format_lazy("{} — {}", _group_label, _label),
                PERCENT,
                f"{within(_column)} AND {_condition}",
                within(_column),
                sector_step=STEP_SECTORS.get(_step),
            )
        )

# The equity funnel: orientation → access → retention → certification → insertion. Its groups are people's
# attributes, the same at every step: not the sector, which belongs to a step (and registration has none).
FUNNEL = (
    ("orientation", "people_registered", _("Orientation")),
    ("access", "people_enrolled", _("Access to training")),
    ("retention", "people_completed", _("Retention (completed)")),
    ("certification", "people_certified", _("Certification")),
    ("insertion", "people_placed", _("Insertion")),
)
FUNNEL_DIMENSIONS = tuple(d for d in DIMENSIONS if d != "sector")

# How categories read on pages and in exports (other categories — regions, programmes… — read as they are).
CATEGORY_LABELS: dict[str, dict[str, Promise]] = {
    "sex": {"F": _("Women"), "M": _("Men")},
    "disability": {"yes": _("With a disability"), "no": _("Without a disability")},
    "migration": {
        "national": _("Moroccan"),
        "migrant": _("Migrant"),
        "refugee": _("Refugee or asylum seeker"),
    },
}
UNKNOWN_LABEL = _("Not recorded")
SUPPRESSED_COMMENT = _("Hidden: fewer than 5 people, or a number that would reveal such a count.")
NO_VALUE_COMMENT = _("No value for this period.")


def category_label(dimension: str, key: str) -> str | Promise:
    if key == UNKNOWN_CATEGORY:
        return UNKNOWN_LABEL
    return CATEGORY_LABELS.get(dimension, {}).get(key, key)
