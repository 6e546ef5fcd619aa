"""The registry of measures: each named measure is a condition (and, for rates, a denominator) over one of
the warehouse's fact tables (ADR "measures over fact tables"). Most count over `journeys` — one row per
person and project, with the date each stage was first reached; the governance measures count over the
`gov_*` tables (attendance, registrations, events, missions, trainers, actions: `FACTS` says which
disaggregations each one has).

A period is `$start`–`$end` (inclusive); a person counts in a step's measure when they reached that step
within the period. Counts are of people, never of records: merged duplicates are one journey already.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kafaat.contacts.models import OrganisationType
from kafaat.events.models import EventType, ParticipantRole

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
    # The governance fact tables' own (FACTS says which table has which).
    "organisation_type": _("Organisation type"),
    "participant_role": _("Role in the event"),
    "event_type": _("Type of event"),
    "country": _("Expert's country"),
    "component": _("Component (logframe result)"),
}
# The "sector" disaggregation reads the sector of the step a measure counts: a measure of placements (and of
# what follows them) by the placement's sector (ISIC section of the job), a measure of training (enrolment
# to certification, and the placement rate of those who completed) by the training sector of the programme
# enrolled in. Registration, assessment and referral record no sector: their measures have no sector
# disaggregation (see `dimension_column`).
SECTOR_COLUMNS = {"placement": "sector", "training": "training_sector"}
# Columns an indicator's filters may restrict (journeys; the other fact tables': `filterable_of`).
FILTERABLE = {*DIMENSIONS, "placement_type"}


def within(column: str) -> str:
    return f"({column} BETWEEN $start AND $end)"


JOURNEYS = "journeys"
# How a measure over a fact table other than journeys aggregates its rows (the journeys' measures keep their
# own: a count of people, a share, a mean of days).
ROWS, DISTINCT, SUM, MEAN, RATIO = "rows", "distinct", "sum", "mean", "ratio"


@dataclass(frozen=True)
class Measure:
    code: str
    label: Promise | str
    unit: str
    numerator: str  # SQL condition on the fact's rows (for DAYS: the rows averaged)
    denominator: str | None = None  # PERCENT: the population the share is of
    # DAYS over journeys: the expression averaged over the numerator's rows. Over another fact: the key
    # counted once (DISTINCT), the quantity added up (SUM) or averaged (MEAN), the numerator's weight (RATIO).
    value: str | None = None
    sector_step: str | None = None  # whose sector the sector disaggregation reads (SECTOR_COLUMNS)
    fact: str = JOURNEYS  # the warehouse table the measure counts over (a key of FACTS)
    aggregate: str = ROWS  # over a fact other than journeys: ROWS, DISTINCT, SUM, MEAN or RATIO
    denominator_value: str | None = None  # RATIO: the denominator's weight (1 per row when None)

    @property
    def is_rate(self) -> bool:
        return self.unit == PERCENT

    @property
    def is_mean_like(self) -> bool:
        """Whether its figure is a sum or a mean over few rows (suppressed when the rows are few), not a count
        of people (suppressed with the secondary suppression of counts)."""
        return self.unit == DAYS or self.aggregate in (SUM, MEAN)


@dataclass(frozen=True)
class Fact:
    """A warehouse fact table a measure may count over: its disaggregations (name → column). Every fact
    table has `project` (the project's code) and the journeys aside, `day` (the date a row counts on)."""

    table: str
    dimensions: dict[str, str]


FACTS: dict[str, Fact] = {JOURNEYS: Fact(JOURNEYS, DIMENSIONS)}


def register_fact(fact: Fact) -> Fact:
    if fact.table in FACTS:
        raise ValueError(f"fact table {fact.table} registered twice")
    FACTS[fact.table] = fact
    return fact


REGISTRY: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    if measure.code in REGISTRY:
        raise ValueError(f"measure {measure.code} registered twice")
    REGISTRY[measure.code] = measure
    return measure


def dimension_column(dimension: str, measure: Measure) -> str | None:
    """The column of its fact table a measure is disaggregated by for `dimension`; None when it has no such
    disaggregation (the sector of a journeys measure whose step records none)."""
    if measure.fact != JOURNEYS:
        return FACTS[measure.fact].dimensions.get(dimension)
    if dimension == "sector":
        return SECTOR_COLUMNS.get(measure.sector_step or "")
    return DIMENSIONS.get(dimension)


def dimensions_of(measure: Measure) -> tuple[str, ...]:
    """The disaggregations a measure supports."""
    return tuple(d for d in DIMENSION_LABELS if dimension_column(d, measure) is not None)


def filterable_of(measure: Measure) -> set[str]:
    """The columns an indicator of this measure may filter on."""
    if measure.fact == JOURNEYS:
        return {*DIMENSIONS, "placement_type"}
    return set(FACTS[measure.fact].dimensions.values())


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


# --- Governance: events, attendance, knowledge tests, expert missions, trainers, working groups' actions
# Fact tables built by kafaat/observatory/warehouse/governance.py; every one has `project` and `day`.
GOVERNANCE_REGION = {"region": "region"}
register_fact(
    Fact(
        "gov_attendance",
        {
            "sex": "sex",
            "organisation_type": "organisation_type",
            "participant_role": "participant_role",
            "event_type": "event_type",
            **GOVERNANCE_REGION,
        },
    )
)
register_fact(
    Fact(
        "gov_registrations",
        {
            "sex": "sex",
            "organisation_type": "organisation_type",
            "participant_role": "participant_role",
            "event_type": "event_type",
            **GOVERNANCE_REGION,
        },
    )
)
register_fact(Fact("gov_events", {"event_type": "event_type", **GOVERNANCE_REGION}))
register_fact(
    Fact("gov_missions", {"sex": "sex", "country": "country", "component": "component", **GOVERNANCE_REGION})
)
register_fact(Fact("gov_trainers", {"sex": "sex", "sector": "sector", **GOVERNANCE_REGION}))
register_fact(Fact("gov_actions", {**GOVERNANCE_REGION}))
IN_PERIOD = within("day")

register(
    Measure(
        "event_participants",
        _("Participants in events (people who attended at least one session)"),
        COUNT,
        IN_PERIOD,
        value="participant",
        fact="gov_attendance",
        aggregate=DISTINCT,
    )
)
register(Measure("events_held", _("Events held"), COUNT, IN_PERIOD, fact="gov_events"))
register(
    Measure(
        "attendance_rate",
        _("Attendance rate (sessions attended of sessions due by registrants)"),
        PERCENT,
        IN_PERIOD,
        IN_PERIOD,
        value="attended",
        denominator_value="sessions",
        fact="gov_registrations",
        aggregate=RATIO,
    )
)
register(
    Measure(
        "knowledge_gain",
        _("Knowledge gain (mean post-test minus pre-test score, in points)"),
        PERCENT,
        f"{IN_PERIOD} AND pre IS NOT NULL AND post IS NOT NULL",
        value="post - pre",
        fact="gov_registrations",
        aggregate=MEAN,
    )
)
register(
    Measure(
        "study_visit_person_days",
        _("Study visits: person-days of participants"),
        DAYS,
        f"{IN_PERIOD} AND event_type = 'study_visit' AND attended > 0",
        value="visit_days",
        fact="gov_registrations",
        aggregate=SUM,
    )
)
register(
    Measure(
        "expert_person_days",
        _("Expert missions: person-days"),
        DAYS,
        IN_PERIOD,
        value="person_days",
        fact="gov_missions",
        aggregate=SUM,
    )
)
register(Measure("expert_missions", _("Expert missions done"), COUNT, IN_PERIOD, fact="gov_missions"))
register(
    Measure(
        "distinct_experts",
        _("Experts who carried out a mission (distinct)"),
        COUNT,
        IN_PERIOD,
        value="expert",
        fact="gov_missions",
        aggregate=DISTINCT,
    )
)
register(
    Measure(
        "trainers_professionalised",
        _("Trainers professionalised (training module completed)"),
        COUNT,
        IN_PERIOD,
        value="participant",
        fact="gov_trainers",
        aggregate=DISTINCT,
    )
)
register(
    Measure(
        "actions_closed_on_time",
        _("Working groups' actions closed on time (share of those due)"),
        PERCENT,
        f"{IN_PERIOD} AND on_time",
        IN_PERIOD,
        fact="gov_actions",
        aggregate=RATIO,
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
    "organisation_type": dict(OrganisationType.choices),
    "participant_role": dict(ParticipantRole.choices),
    "event_type": dict(EventType.choices),
}
UNKNOWN_LABEL = _("Not recorded")
SUPPRESSED_COMMENT = _("Hidden: fewer than 5 people, or a number that would reveal such a count.")
NO_VALUE_COMMENT = _("No value for this period.")


def category_label(dimension: str, key: str) -> str | Promise:
    if key == UNKNOWN_CATEGORY:
        return UNKNOWN_LABEL
    return CATEGORY_LABELS.get(dimension, {}).get(key, key)
