"""Synthetic pathways: each person's steps from intake to the follow-ups after a placement, vectorised.

`generate_pathways` draws whole columns with numpy, one random stream per block of `BLOCK_PEOPLE` people, so
the result depends only on the seed, the inputs and `today` — a million people take seconds, and the same
call always gives the same steps. The steps obey the rules of `kafaat.pathways.services.check_step`: nothing
after `today`, every step on or after the step it answers to and after the intake (the day the person joins
the project), a dropout or a completion closes an enrolment that was still ongoing, no enrolment after a
declined referral, follow-ups at 3, 6 and 12 months of a placement. Rows come kind by kind (all intakes,
then all assessments, …), so a parent always precedes its children and each kind can be bulk-inserted in
turn. Codes are those of `kafaat.pathways.models`; this module imports no Django.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

BLOCK_PEOPLE = 100_000
EPOCH = date(1970, 1, 1)
WINDOW = (date(2025, 1, 1), date(2026, 11, 30))  # intakes of the Kafaat project
KINDS = ("intake", "assessment", "referral", "enrolment", "dropout", "completion", "certification",
         "placement", "follow_up")  # fmt: skip
STATUSES = ("pending", "accepted", "declined", "ongoing", "completed", "dropped_out", "done")
PENDING, ACCEPTED, DECLINED, ONGOING, COMPLETED, DROPPED_OUT, DONE = range(len(STATUSES))
FOLLOW_UP_MONTHS = (3, 6, 12)
SKILL_LEVELS = ("low", "basic", "intermediate", "advanced")
REFERRAL_TARGETS = ("training", "organisation", "incubation")
# Training programme, months, main ISIC section, weight for women, weight for men.
PROGRAMMES = (
    ("Couture et confection", 6, "C", 9, 1), ("Câblage automobile", 4, "C", 4, 5),
    ("Soudure et chaudronnerie", 6, "C", 0.3, 5), ("Électricité du bâtiment", 9, "F", 0.5, 7),
    ("Plomberie sanitaire", 6, "F", 0.2, 4), ("Mécanique automobile", 9, "G", 0.3, 6),
    ("Cuisine et restauration", 6, "I", 5, 4), ("Pâtisserie", 4, "I", 5, 1),
    ("Service en salle et hôtellerie", 4, "I", 3, 3), ("Agent de centre d'appels", 3, "N", 5, 4),
    ("Aide-soignant(e)", 9, "Q", 5, 1), ("Coiffure et esthétique", 6, "S", 6, 1),
    ("Bureautique et secrétariat", 4, "N", 5, 2), ("Développement web", 9, "J", 2, 3),
    ("Logistique et magasinage", 4, "H", 1, 4), ("Agriculture et irrigation", 6, "A", 1, 3),
    ("Commerce et vente", 3, "G", 4, 4), ("Création d'entreprise", 3, "G", 3, 3),
)  # fmt: skip
DROPOUT_REASONS = (
    "employment",
    "family",
    "health",
    "transport",
    "financial",
    "motivation",
    "migration",
    "other",
)
DROPOUT_WEIGHTS = (0.15, 0.22, 0.08, 0.15, 0.18, 0.12, 0.05, 0.05)
CREDENTIALS = ("diploma", "attestation", "certificate", "rpl")
LEVELS = ("", "Qualification", "Technicien", "Spécialisation")
PLACEMENT_TYPES = ("salaried_job", "internship", "self_employment", "income_generating_activity",
                   "incubated_enterprise")  # fmt: skip
PLACEMENT_WEIGHTS = (
    (0.50, 0.27, 0.08, 0.09, 0.06),
    (0.08, 0.07, 0.30, 0.25, 0.30),
)  # usual, after incubation
SECTORS = tuple("ACFGHIJNQS")
EMPLOYERS = {
    "A": ("Domaine agricole Al Baraka", "Coopérative Tiwizi"),
    "C": ("Confection Al Amal SARL", "Atlas Textile SA"),
    "F": ("BTP Bina Maroc", "Entreprise Noor Électricité"),
    "G": ("Garage Al Wafa", "Supermarché Assalam"),
    "H": ("Transport Rapide Nord", "Logistique Méditerranée"),
    "I": ("Hôtel Al Andalous", "Restaurant Dar Zaman"),
    "J": ("Digital Maghreb SARL", "Web Atlas Studio"),
    "N": ("Centre d'appels Orient Services", "Sahel Outsourcing"),
    "Q": ("Clinique Ibn Rochd", "Centre de santé Al Amal"),
    "S": ("Salon Yasmine", "Espace Beauté Lalla"),
}
EMPLOYER_NAMES = tuple(name for sector in SECTORS for name in EMPLOYERS[sector])
CONTRACT_TYPES = ("cdi", "cdd", "idmaj", "seasonal", "informal", "none")
CONTRACT_WEIGHTS = ((0.18, 0.34, 0.30, 0.06, 0.12, 0), (0, 0, 0.75, 0, 0, 0.25), (0, 0, 0, 0, 0, 1))
WAGE_BANDS = ("below_smig", "smig_4000", "4000_6000", "above_6000")
CODE_TABLES = {
    "kind": KINDS, "status": STATUSES, "skill_level": SKILL_LEVELS, "referral_target": REFERRAL_TARGETS,
    "dropout_reason": DROPOUT_REASONS, "credential": CREDENTIALS, "level": LEVELS, "sector": SECTORS,
    "placement_type": PLACEMENT_TYPES, "employer": EMPLOYER_NAMES, "contract_type": CONTRACT_TYPES,
    "wage_band": WAGE_BANDS, "income_band": WAGE_BANDS,
}  # fmt: skip
WAGE_WEIGHTS = (
    (0.08, 0.55, 0.27, 0.10),
    (0.55, 0.45, 0, 0),
    (0.50, 0.35, 0.12, 0.03),
    (0.35, 0.40, 0.18, 0.07),
)


@dataclass(frozen=True)
class Shares:
    """Probabilities of each transition, set so that the shares of people reaching each step come out as in
    the programme's reports once late intakes are cut at `today` (checked in test_pathways)."""

    assessment: float = 0.815
    referral_assessed: float = 0.78
    referral_not_assessed: float = 0.28
    to_organisation: float = 0.40  # referrals with a receiving organisation (needs a sharing consent)
    declined: float = 0.13
    stale_pending: float = 0.04
    enrolment: float = 0.93  # of referrals that were not declined
    dropout: float = 0.17
    certification: float = 0.88
    placement: float = 0.66
    follow_up_missed: float = 0.05
    employed_3: float = 0.86
    employed_after_employed: float = 0.87
    employed_after_not: float = 0.15


@dataclass(frozen=True)
class Partner:
    """An organisation a home organisation refers people to (indices are the caller's)."""

    organisation: int
    target: str  # one of REFERRAL_TARGETS
    weight: float = 1.0


@dataclass
class Pathways:
    """Steps as columns; code columns index the tuples above (-1: empty), days count from 1970-01-01."""

    columns: dict[str, np.ndarray]
    intake_day: np.ndarray  # per person
    n_people: int = 0
    kind_rows: dict[str, slice] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns["person"])

    def count(self, kind: str) -> int:
        return int((self.columns["kind"] == KINDS.index(kind)).sum())

    def rows(self, kind: str | None = None) -> Iterator[dict]:
        """Decoded rows (codes as strings, dates as `date`), optionally one kind only."""
        selected = self.kind_rows[kind] if kind else slice(0, len(self))
        cols = {name: values[selected].tolist() for name, values in self.columns.items()}
        start = selected.start or 0
        for i in range(len(cols["person"])):
            row = {name: values[i] for name, values in cols.items()}
            row["row"] = start + i
            for name, table in CODE_TABLES.items():
                row[name] = table[row[name]] if row[name] >= 0 else ""
            for name in ("day", "end_day", "responded_day", "consent_day"):
                row[name] = day_to_date(row[name]) if row[name] >= 0 else None
            row["programme"] = PROGRAMMES[row["programme"]][0] if row["programme"] >= 0 else ""
            row["prior_learning"] = None if row["prior_learning"] < 0 else bool(row["prior_learning"])
            row["still_employed"] = None if row["still_employed"] < 0 else bool(row["still_employed"])
            row["months"] = row["months"] or None
            row["cohort"] = day_to_date(row["cohort"]).strftime("%Y-%m") if row["cohort"] >= 0 else ""
            row["parent"] = row["parent"] if row["parent"] >= 0 else None
            row["target"] = row["target"] if row["target"] >= 0 else None
            yield row


def date_to_day(day: date) -> int:
    return (day - EPOCH).days


def day_to_date(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Calendar months added to day numbers, the day clamped to the month's end (like pathways.add_months)."""
    as_date = np.asarray(days, dtype="datetime64[D]")
    month = as_date.astype("datetime64[M]")
    day_of_month = (as_date - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    result = target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)
    return result.astype(np.int64)


def _pick(rng: np.random.Generator, weights, size: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(weights / weights.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)


def _pick_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One index per row of a 2-D weight table (each row its own distribution)."""
    cdf = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random(len(weights))[:, None] >= cdf).sum(axis=1), weights.shape[1] - 1)


def _intake_days(rng: np.random.Generator, n: int, first: int, last: int) -> np.ndarray:
    """Intakes ramp up over the first three months of the project, then stay level."""
    months = np.arange(np.datetime64(day_to_date(first), "M"), np.datetime64(day_to_date(last), "M") + 1)
    weights = np.minimum(1.0, (np.arange(len(months)) + 1) / 3)
    month = months[_pick(rng, weights, n)]
    start = np.maximum(month.astype("datetime64[D]").astype(np.int64), first)
    end = np.minimum((month + 1).astype("datetime64[D]").astype(np.int64) - 1, last)
    return start + (rng.random(n) * (end - start + 1)).astype(np.int64)


def generate_pathways(
    n: int,
    seed: int = 42,
    *,
    today: date,
    window: tuple[date, date] = WINDOW,
    home: np.ndarray | None = None,
    partners: Sequence[Sequence[Partner]] = (),
    female: np.ndarray | None = None,
    due_soon: np.ndarray | None = None,
    shares: Shares = Shares(),  # noqa: B008 — frozen, never mutated
) -> Pathways:
    """The steps of `n` people, their intakes spread over `window` and nothing later than `today`.

    `home[i]` is the organisation registering person i (an index into `partners`, whose entries say where it
    refers people); `female` steers the choice of programme; people marked in `due_soon` get a placement whose
    3-month follow-up falls due in the coming week (so that a demo caseload has something to show).
    """
    home = np.zeros(n, dtype=np.int64) if home is None else np.asarray(home, dtype=np.int64)
    female = np.zeros(n, dtype=bool) if female is None else np.asarray(female, dtype=bool)
    due_soon = np.zeros(n, dtype=bool) if due_soon is None else np.asarray(due_soon, dtype=bool)
    blocks = [
        _block(
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7, index))),
            slice(start, min(n, start + BLOCK_PEOPLE)),
            today,
            window,
            home,
            partners,
            female,
            due_soon,
            shares,
        )
        for index, start in enumerate(range(0, n, BLOCK_PEOPLE))
    ]
    return _concatenate(blocks, n)


def _block(
    rng: np.random.Generator,
    people: slice,
    today: date,
    window: tuple[date, date],
    home: np.ndarray,
    partners: Sequence[Sequence[Partner]],
    female: np.ndarray,
    due_soon: np.ndarray,
    shares: Shares,
) -> list[dict[str, np.ndarray]]:
    home, female, due_soon = home[people], female[people], due_soon[people]
    m, offset, s = len(home), people.start, shares
    today_day = date_to_day(today)
    first, last = date_to_day(window[0]), min(date_to_day(window[1]), today_day)

    def chance(p: float) -> np.ndarray:
        return rng.random(m) < p

    def gap(low: int, high: int) -> np.ndarray:
        return rng.integers(low, high + 1, m)

    day: dict[str, np.ndarray] = {"intake": _intake_days(rng, m, first, last)}
    assessed = chance(s.assessment)
    day["assessment"] = day["intake"] + gap(0, 21)
    referred = np.where(assessed, chance(s.referral_assessed), chance(s.referral_not_assessed))
    day["referral"] = np.where(assessed, day["assessment"], day["intake"]) + gap(2, 30)

    # Where the referral goes: a partner organisation (with consent) or a training offered by the home.
    target, target_kind = np.full(m, -1), np.zeros(m, dtype=np.int64)
    to_organisation = chance(s.to_organisation)
    own_kind = np.where(chance(0.9), 0, 2)  # the home's own training, else incubation
    for home_index, options in enumerate(partners):
        rows = np.flatnonzero((home == home_index) & to_organisation)
        if options and len(rows):
            chosen = _pick(rng, [p.weight for p in options], len(rows))
            target[rows] = np.array([p.organisation for p in options])[chosen]
            target_kind[rows] = np.array([REFERRAL_TARGETS.index(p.target) for p in options])[chosen]
    own = target < 0
    target_kind[own] = own_kind[own]
    responded = day["referral"] + gap(1, 14)
    declined = ~own & chance(s.declined)
    stale = chance(s.stale_pending)

    by_sex = np.array([[p[4] for p in PROGRAMMES], [p[3] for p in PROGRAMMES]])
    programme = _pick_rows(rng, by_sex[female.astype(np.int64)])
    programme = np.where(target_kind == 2, len(PROGRAMMES) - 1, programme)  # incubation: business creation
    length = np.round(np.array([p[1] for p in PROGRAMMES])[programme] * 30.44).astype(np.int64)
    enrolled = referred & ~declined & chance(s.enrolment)
    day["enrolment"] = np.where(own, day["referral"], responded) + gap(7, 60)
    day["completion"] = day["enrolment"] + length + gap(-5, 5)
    will_drop = chance(s.dropout)
    day["dropout"] = day["enrolment"] + 7 + (rng.random(m) * 0.6 * length).astype(np.int64)
    certified, placed = chance(s.certification), chance(s.placement)
    day["certification"] = day["completion"] + gap(0, 30)
    day["placement"] = day["certification"] + gap(7, 120)

    # Planted caseload: a placement three months before a day of the coming week, and a path leading to it.
    planted = due_soon.copy()
    if planted.any():
        back = {"placement": add_months(today_day + gap(1, 6), -3)}
        back["certification"] = back["placement"] - gap(10, 40)
        back["completion"] = back["certification"] - gap(0, 15)
        back["enrolment"] = back["completion"] - length
        back["referral"] = back["enrolment"] - gap(7, 30)
        back["assessment"] = back["referral"] - gap(2, 15)
        back["intake"] = back["assessment"] - gap(0, 10)
        planted &= back["intake"] >= first
        for kind, values in back.items():
            day[kind][planted] = values[planted]
        for flags in (assessed, referred, enrolled, certified, placed, own):
            flags[planted] = True
        will_drop[planted] = declined[planted] = stale[planted] = False
        target[planted], target_kind[planted] = -1, 0

    # Nothing after today: a step whose day has not come is not recorded (yet), an answer not given yet.
    pending = ~own & ((responded > today_day) | stale)
    declined &= ~pending
    assessed &= day["assessment"] <= today_day
    referred &= day["referral"] <= today_day
    enrolled &= referred & ~pending & (day["enrolment"] <= today_day)
    dropped = enrolled & will_drop & (day["dropout"] <= today_day)
    completed = enrolled & ~will_drop & (day["completion"] <= today_day)
    certified &= completed & (day["certification"] <= today_day)
    placed &= certified & (day["placement"] <= today_day)
    # Referrals to the home's own training: accepted once the person enrols, declined when they never did.
    status = np.where(declined, DECLINED, np.where(pending, PENDING, ACCEPTED))
    status = np.where(own & ~enrolled, np.where(day["referral"] >= today_day - 60, PENDING, DECLINED), status)

    groups: list[dict[str, np.ndarray]] = []

    def add(kind: str, mask: np.ndarray, **columns: np.ndarray | int) -> np.ndarray:
        """Append the rows of one kind; returns each person's block-local row number (-1 where none)."""
        who = np.flatnonzero(mask)
        start = sum(len(group["person"]) for group in groups)
        group = {"person": who + offset, "kind": np.full(len(who), KINDS.index(kind))}
        group.update({name: np.broadcast_to(value, (m,))[who] for name, value in columns.items()})
        group.setdefault("day", day[kind][who] if kind in day else group.get("day"))
        group.setdefault("organisation", home[who])
        groups.append(group)
        row_of = np.full(m, -1)
        row_of[who] = start + np.arange(len(who))
        return row_of

    # A partner's training records its own steps (enrolment to certification); the home records the rest.
    done, recorder = DONE, np.where(~own & (target_kind == 0), target, home)
    add("intake", np.ones(m, dtype=bool), status=done)
    add(
        "assessment",
        assessed,
        status=done,
        skill_level=_pick(rng, (0.25, 0.4, 0.28, 0.07), m),
        prior_learning=chance(0.08).astype(np.int64),
    )
    referral_row = add(
        "referral",
        referred,
        status=status,
        target=target,
        referral_target=target_kind,
        programme=np.where(target_kind == 1, -1, programme),
        responded_day=np.where(~own & (status != PENDING), responded, -1),
        consent_day=np.where(own, -1, np.maximum(day["intake"], day["referral"] - gap(0, 7))),
    )
    enrolment_row = add(
        "enrolment",
        enrolled,
        parent=referral_row,
        programme=programme,
        cohort=day["enrolment"],
        status=np.where(dropped, DROPPED_OUT, np.where(completed, COMPLETED, ONGOING)),
        organisation=recorder,
        end_day=np.where(dropped, day["dropout"], np.where(completed, day["completion"], -1)),
    )
    add(
        "dropout",
        dropped,
        status=done,
        parent=enrolment_row,
        organisation=recorder,
        dropout_reason=_pick(rng, DROPOUT_WEIGHTS, m),
    )
    completion_row = add("completion", completed, status=done, parent=enrolment_row, organisation=recorder)
    credential = np.where(length >= 270, 0, np.where(chance(0.06), 3, np.where(chance(0.3), 2, 1)))
    level = np.where(credential == 0, np.where(chance(0.5), 1, 2), np.where(credential == 2, 3, 0))
    add(
        "certification",
        certified,
        status=done,
        parent=completion_row,
        organisation=recorder,
        credential=credential,
        level=level,
    )

    placement_type = _pick_rows(rng, np.array(PLACEMENT_WEIGHTS)[(target_kind == 2).astype(np.int64)])
    main_sector = np.array([SECTORS.index(p[2]) for p in PROGRAMMES])[programme]
    sector = np.where(chance(0.8), main_sector, rng.integers(0, len(SECTORS), m))
    wage = _pick_rows(rng, np.array(WAGE_WEIGHTS)[np.array([0, 1, 2, 2, 3])[placement_type]])
    placement_row = add(
        "placement",
        placed,
        status=done,
        placement_type=placement_type,
        sector=sector,
        employer=np.where(placement_type <= 1, sector * 2 + gap(0, 1), -1),
        wage_band=wage,
        contract_type=_pick_rows(rng, np.array(CONTRACT_WEIGHTS)[np.minimum(placement_type, 2)]),
    )

    employed = chance(s.employed_3)
    for months in FOLLOW_UP_MONTHS:
        if months > 3:
            employed = rng.random(m) < np.where(employed, s.employed_after_employed, s.employed_after_not)
        recorded_on = add_months(day["placement"], months) + gap(0, 21)
        recorded = placed & (recorded_on <= today_day) & ~chance(s.follow_up_missed)
        income = np.where(employed, np.minimum(wage + (chance(0.15) & (months == 12)), 3), -1)
        add(
            "follow_up",
            recorded,
            day=recorded_on,
            status=done,
            parent=placement_row,
            months=months,
            still_employed=employed.astype(np.int64),
            income_band=income,
        )
    return [*groups, {"intake_day": day["intake"]}]


COLUMN_DEFAULTS = {
    "person": -1, "kind": -1, "day": -1, "end_day": -1, "status": -1, "parent": -1, "organisation": -1,
    "target": -1, "responded_day": -1, "consent_day": -1, "referral_target": -1, "programme": -1,
    "cohort": -1, "skill_level": -1, "prior_learning": -1, "dropout_reason": -1, "credential": -1,
    "level": -1, "placement_type": -1, "employer": -1, "sector": -1, "contract_type": -1, "wage_band": -1,
    "months": 0, "still_employed": -1, "income_band": -1,
}  # fmt: skip


GROUP_KINDS = (*KINDS[:-1], *("follow_up",) * len(FOLLOW_UP_MONTHS))  # the groups `_block` appends


def _concatenate(blocks: list[list[dict[str, np.ndarray]]], n: int) -> Pathways:
    """Blocks of per-kind groups → one table ordered kind by kind (then block), parents renumbered."""
    intake_day = np.concatenate([b[-1]["intake_day"] for b in blocks]) if blocks else np.zeros(0, np.int64)
    sizes = np.array(
        [[len(block[g]["person"]) for g in range(len(GROUP_KINDS))] for block in blocks], np.int64
    )
    sizes = sizes.reshape(len(blocks), len(GROUP_KINDS))
    local_start = np.cumsum(sizes, axis=1) - sizes  # where each group starts in its block's numbering
    final_start = (np.cumsum(sizes.T.ravel()) - sizes.T.ravel()).reshape(len(GROUP_KINDS), len(blocks)).T
    columns: dict[str, list[np.ndarray]] = {name: [] for name in COLUMN_DEFAULTS}
    for g in range(len(GROUP_KINDS)):
        for b, block in enumerate(blocks):
            group, size = block[g], int(sizes[b, g])
            for name, default in COLUMN_DEFAULTS.items():
                values = np.asarray(group.get(name, np.full(size, default)), dtype=np.int64)
                if name == "parent":
                    # A parent is an earlier group of the same block: block-local row → final row.
                    which = np.searchsorted(local_start[b], values, side="right") - 1
                    values = np.where(values >= 0, values - local_start[b][which] + final_start[b][which], -1)
                columns[name].append(values)
    merged = {
        name: np.concatenate(parts) if parts else np.zeros(0, np.int64) for name, parts in columns.items()
    }
    kind_rows = {}
    for kind in KINDS:
        group_indices = [g for g, group_kind in enumerate(GROUP_KINDS) if group_kind == kind]
        begin = int(final_start[0, group_indices[0]]) if blocks else 0
        kind_rows[kind] = slice(begin, begin + int(sizes[:, group_indices].sum()))
    return Pathways(merged, intake_day, n, kind_rows)
