"""The demo's ~3,000 people: who registers them, their records and pathways, written in bulk.

The people come from `kafaat.synth.people` and their steps from `kafaat.synth.pathways`, both deterministic
from a seed; the pathways are dated relative to today, so that follow-ups fall due in the coming week.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import models
from django.utils import timezone

from kafaat.core import audit
from kafaat.core.models import Organisation, Project
from kafaat.pathways.models import Participation, Step
from kafaat.registry.dedup import key_upkeep
from kafaat.registry.models import Consent, Person, PersonAccess, WashingtonGroup
from kafaat.registry.services import apply_derived_fields
from kafaat.registry.validation import NAME_FIELDS, clean_person, territory_index
from kafaat.synth.pathways import KINDS, Partner, Pathways, day_to_date, generate_pathways
from kafaat.synth.people import FOREIGN_NATIONALITIES, generate_people

SEED = 2026

PERSON_PREFIX = "DEMO-"


@dataclass(frozen=True)
class Registrar:
    """An organisation that registers demo people: where they live, how many, and who it refers them to."""

    organisation: str
    provinces: tuple[str, ...]
    people: int
    female_share: float
    partners: tuple[tuple[str, str, float], ...]  # (organisation, referral target, weight)


REGISTRARS = (
    Registrar("tanmia-tanger", ("01.511",), 750, 0.50, (  # a few people move to Oujda: referred to Amal
        ("ofppt", "training", 6), ("agence-kafaat", "incubation", 1), ("amal-oujda", "organisation", 1))),
    Registrar("nour-rabat", ("04.421", "04.441"), 750, 0.85, (
        ("ofppt", "training", 6), ("agence-kafaat", "incubation", 1))),
    Registrar("amal-oujda", ("02.411",), 520, 0.45, (
        ("ista-oujda", "training", 5), ("anapec-oujda", "organisation", 4),
        ("agence-kafaat", "incubation", 1))),
    Registrar("anapec-oujda", ("02.411",), 380, 0.40, (
        ("ista-oujda", "training", 6), ("amal-oujda", "organisation", 3))),
    Registrar("atlas-beni-mellal", ("05.091",), 600, 0.45, (
        ("ofppt", "training", 6), ("agence-kafaat", "incubation", 1))),
)  # fmt: skip
DUE_SOON_PER_CASE_WORKER = 6
# Extra languages by region of residence (besides Darija): Tamazight, Spanish in the north.
TAMAZIGHT_SHARE = {"MA-01": 0.10, "MA-02": 0.25, "MA-04": 0.12, "MA-05": 0.35}
WG_DOMAINS = [domain for domain, _label in WashingtonGroup.DOMAINS]
ARABIC_NAMED = {"MA", *(code for code, _share, _statuses, arabic in FOREIGN_NATIONALITIES if arabic)}


def demo_people(seed: int = SEED) -> Iterator[tuple[Registrar, dict]]:
    """Synthetic people living in each registrar's provinces, as many as it registers, women and men apart."""
    wanted = {}
    for registrar in REGISTRARS:
        women = round(registrar.people * registrar.female_share)
        wanted[registrar.organisation] = {"F": women, "M": registrar.people - women}
    taken: dict[str, list[dict]] = {r.organisation: [] for r in REGISTRARS}
    provinces = pa.array(sorted({p for r in REGISTRARS for p in r.provinces}))
    chunks = generate_people(
        2_000_000,
        seed,
        chunk_size=20_000,
        female_share=0.55,
        migrant_share=0.05,
        reference_date=date(2025, 6, 1),
    )
    for table in chunks:
        for row in table.filter(pc.is_in(table["province_code"], value_set=provinces)).to_pylist():
            for registrar in REGISTRARS:
                if (
                    row["province_code"] in registrar.provinces
                    and wanted[registrar.organisation][row["sex"]] > 0
                ):
                    wanted[registrar.organisation][row["sex"]] -= 1
                    taken[registrar.organisation].append(row)
                    break
        if not any(count for counts in wanted.values() for count in counts.values()):
            break
    for registrar in REGISTRARS:
        for row in taken[registrar.organisation]:
            yield registrar, row


def person_fields(row: dict, rng: random.Random) -> dict:
    """What a case worker would have typed for this synthetic person (the input of clean_person)."""
    raw = {
        key: row[key] for key in (*NAME_FIELDS, "sex", "birth_date", "nationality", "education_level", "neet")
    }
    raw.update(migration_status=row["status"], commune=row["commune_code"] or row["province_code"])
    script = rng.random()
    if row["nationality"] not in ARABIC_NAMED or script < 0.08:  # Latin only: passports, or a Latin-only form
        raw["first_name_ar"] = raw["last_name_ar"] = ""
    elif script < 0.15:  # Arabic only
        raw["first_name_latin"] = raw["last_name_latin"] = ""
    if rng.random() < 0.96:
        raw["phone"] = row["phone"]
    if rng.random() < 0.92:
        raw.update(id_type=row["id_type"], id_number=row["id_number"])
    if rng.random() < 0.90:  # the Washington Group questions were asked
        answers = {domain: 2 if rng.random() < 0.08 else 1 for domain in WG_DOMAINS}
        if rng.random() < 0.055:
            for domain in rng.sample(WG_DOMAINS, rng.choice((1, 1, 2))):
                answers[domain] = rng.choice((3, 3, 4))
        raw.update({f"wg_{domain}": value for domain, value in answers.items()})
    raw["languages"] = _languages(row, rng)
    age = 2025 - row["birth_date"].year
    raw["household_head"] = rng.random() < (0.05 if age < 25 else 0.40 if row["sex"] == "M" else 0.12)
    return raw


def _languages(row: dict, rng: random.Random) -> list[str]:
    if row["nationality"] in ("SY", "YE", "SD"):
        return ["ar"]
    if row["nationality"] != "MA":
        return ["en"] if row["nationality"] == "NG" else ["fr"]
    languages = ["ary"]
    if rng.random() < TAMAZIGHT_SHARE.get(row["region_code"], 0.1):
        languages.append("zgh")
    educated = row["education_level"] in ("vocational", "higher", "upper_secondary")
    if rng.random() < (0.7 if educated else 0.15):
        languages.append("fr")
    if row["region_code"] == "MA-01" and rng.random() < 0.25:
        languages.append("es")
    if row["education_level"] == "higher" and rng.random() < 0.3:
        languages.append("en")
    return languages


def _moment(day: date, rng: random.Random) -> datetime:
    """A working-hours time on `day`, in the project's time zone, never later than now."""
    moment = timezone.make_aware(datetime.combine(day, time(9)) + timedelta(minutes=rng.randrange(0, 480)))
    return min(moment, timezone.now())  # today's steps happened earlier today


@contextmanager
def _explicit_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk_create keep the dates we give instead of "now" (registration dates spread over two years)."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def load_people(
    today: date, project: Project, organisations: dict[str, Organisation], workers: dict[str, object]
) -> tuple[int, int]:
    """Write the demo people, their consents, access and pathways; `workers`: the case worker of each
    registering organisation (who the people's case worker is)."""
    rng = random.Random(SEED)
    codes = list(organisations)
    territories = territory_index()
    people: list[Person] = []
    homes: list[int] = []
    for registrar, row in demo_people():
        cleaned = clean_person(person_fields(row, rng), territories, today=today)
        if not cleaned.ok:  # the generator and the validation disagree: a bug to fix, never to hide
            raise ValueError(f"demo person {row['external_id']} is invalid: {cleaned.errors}")
        worker = workers.get(registrar.organisation)
        person = Person(
            registered_by=organisations[registrar.organisation],
            case_worker=worker,
            created_by=worker,
            **{**cleaned.values, "external_id": f"{PERSON_PREFIX}{len(people) + 1:05d}"},
        )
        apply_derived_fields(person)
        people.append(person)
        homes.append(codes.index(registrar.organisation))

    home = np.array(homes)
    due_soon = np.zeros(len(people), dtype=bool)
    for code in workers:
        due_soon[np.flatnonzero(home == codes.index(code))[:DUE_SOON_PER_CASE_WORKER]] = True
    partners: list[list[Partner]] = [[] for _ in codes]
    for registrar in REGISTRARS:
        partners[codes.index(registrar.organisation)] = [
            Partner(codes.index(code), target, weight) for code, target, weight in registrar.partners
        ]
    female = np.array([p.sex == "F" for p in people])
    pathways = generate_pathways(
        len(people), SEED, today=today, home=home, partners=partners, female=female, due_soon=due_soon
    )
    intake = [day_to_date(day) for day in pathways.intake_day.tolist()]
    writer = _Writer(people, project, [organisations[code] for code in codes], workers, rng)
    with _explicit_timestamps(
        Person._meta.get_field("created_at"),
        Person._meta.get_field("updated_at"),
        PersonAccess._meta.get_field("granted_at"),
        Step._meta.get_field("created_at"),
    ):
        for person, day in zip(people, intake, strict=True):
            person.created_at = person.updated_at = _moment(day, rng)
        Person.objects.bulk_create(people, batch_size=500)
        steps = writer.write(pathways, intake)
    key_upkeep.rebuild()  # written in bulk: their match keys and the name frequencies at once
    return len(people), steps


@dataclass
class _Writer:
    """Writes the consents, accesses, participations and steps of the people just created, in bulk."""

    people: list[Person]
    project: Project
    organisations: list[Organisation]  # indexed like the generator's organisation numbers
    workers: dict[str, object]
    rng: random.Random

    def write(self, pathways: Pathways, intake: list[date]) -> int:
        consents, accesses = [], []
        for person, day in zip(self.people, intake, strict=True):
            purposes = [Consent.Purpose.REGISTRATION]
            if self.rng.random() < 0.75:
                purposes.append(Consent.Purpose.CONTACT)
            consents += [self._consent(person, purpose, day) for purpose in purposes]
            accesses.append(
                PersonAccess(
                    person=person,
                    organisation=person.registered_by,
                    reason=PersonAccess.Reason.REGISTERED,
                    granted_at=_moment(day, self.rng),
                )
            )
        referrals = [row for row in pathways.rows("referral") if row["target"] is not None]
        sharing = {
            row["row"]: self._consent(
                self.people[row["person"]], Consent.Purpose.SHARING, row["consent_day"], row["target"]
            )
            for row in referrals
        }
        Consent.objects.bulk_create([*consents, *sharing.values()], batch_size=500)
        for row in referrals:
            if row["status"] == "accepted":  # the receiving organisation now sees the person
                accesses.append(
                    PersonAccess(
                        person=self.people[row["person"]],
                        organisation=self.organisations[row["target"]],
                        reason=PersonAccess.Reason.REFERRAL,
                        consent=sharing[row["row"]],
                        granted_at=_moment(row["responded_day"], self.rng),
                    )
                )
        PersonAccess.objects.bulk_create(accesses, batch_size=500)
        participations = Participation.objects.bulk_create(
            [
                Participation(person=p, project=self.project, organisation=p.registered_by, joined_on=day)
                for p, day in zip(self.people, intake, strict=True)
            ],
            batch_size=500,
        )
        step_ids = np.full(len(pathways), -1, dtype=np.int64)
        for kind in KINDS:  # parents first: each kind's parents were written with an earlier kind
            batch = [self._step(row, step_ids) for row in pathways.rows(kind)]
            Step.objects.bulk_create(batch, batch_size=500)
            step_ids[pathways.kind_rows[kind]] = [step.pk for step in batch]

        details = {"source": "demo", "project": self.project.code}
        for model, ids in (
            (Person, [p.pk for p in self.people]),
            (Consent, [c.pk for c in [*consents, *sharing.values()]]),
            (PersonAccess, [a.pk for a in accesses]),
            (Participation, [p.pk for p in participations]),
            (Step, step_ids.tolist()),
        ):
            audit.record_bulk(audit.Action.BULK_CREATE, None, model, ids, details=details)
        return len(step_ids)

    def _consent(self, person: Person, purpose: str, day: date, shared_with: int | None = None) -> Consent:
        return Consent(
            person=person,
            purpose=purpose,
            given_on=day,
            shared_with=self.organisations[shared_with] if shared_with is not None else None,
            recorded_by=person.created_by,
            recorded_for=person.registered_by,
        )

    def _step(self, row: dict, step_ids: np.ndarray) -> Step:
        organisation = self.organisations[
            row["organisation"]
        ]  # the home, or the partner whose training it is
        target = self.organisations[row["target"]] if row["target"] is not None else None
        answered = row["responded_day"]
        fields = {name: row[name] for name in STEP_FIELDS}
        return Step(
            person=self.people[row["person"]],
            organisation=organisation,
            project=self.project,
            kind=row["kind"],
            date=row["day"],
            end_date=row["end_day"],
            parent_id=int(step_ids[row["parent"]]) if row["parent"] is not None else None,
            prior_learning_recognised=row["prior_learning"],
            target_organisation=target,
            responded_at=_moment(answered, self.rng) if answered else None,
            responded_by=self.workers.get(target.code) if target is not None and answered else None,
            cohort=f"{row['cohort']} {organisation.acronym}" if row["cohort"] else "",
            employer_name=row["employer"],
            follow_up_months=row["months"],
            recorded_by=self.workers.get(organisation.code),
            created_at=_moment(row["day"], self.rng),
            **fields,
        )


# Step fields whose values the generator's rows carry under the same name.
STEP_FIELDS = (
    "status", "skill_level", "referral_target", "programme", "dropout_reason", "credential", "level",
    "placement_type", "sector", "contract_type", "wage_band", "still_employed", "income_band",
)  # fmt: skip
