"""Loading national-scale synthetic data straight into PostgreSQL for benchmarks/indicators.py.

People come from `kafaat.synth.people` and their pathways from `kafaat.synth.pathways`, written with
`COPY … FROM STDIN` (CSV made by pyarrow). Sensitive fields are encrypted row by row, as the application
stores them (one Fernet token each: no shared ciphertext that would let the refresh decrypt less).
Journeys: person i follows a pathway in project 0, and, for the first `second_share` of them, in projects
1 and 2 as well — so a person takes part in up to three projects (about 4 steps per journey).
"""

from __future__ import annotations

import io
import json
import time
import uuid
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

TODAY = date(2026, 11, 29)
STAMP = "2026-01-01 00:00:00+00"


def _copy(cursor, table: str, data: pa.Table) -> None:
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    with cursor.copy(f"COPY {table} ({', '.join(data.column_names)}) FROM STDIN WITH (FORMAT csv)") as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])


STRING = pa.string()


def _constant(value, n: int, type_=STRING) -> pa.Array:
    return pa.array(np.full(n, value), type_) if value is not None else pa.nulls(n, type_)


def load_people(cursor, n: int, organisation_id: int, province_ids: dict[str, int], log) -> np.ndarray:
    from kafaat.core import crypto
    from kafaat.synth.people import generate_people

    rng = np.random.default_rng(11)
    domains = ("seeing", "hearing", "mobility", "cognition", "self_care", "communication")
    written = 0
    for chunk in generate_people(n, seed=5, chunk_size=100_000, migrant_share=0.05):
        m = chunk.num_rows
        statuses = chunk["status"].to_pylist()
        asked = rng.random(m) < 0.9
        disabled = rng.random(m) < 0.055
        answers = [
            crypto.encrypt(json.dumps({d: (3 if dis and i == 2 else 1) for i, d in enumerate(domains)}))
            if ask
            else None
            for ask, dis in zip(asked.tolist(), disabled.tolist(), strict=True)
        ]
        data = pa.table(
            {
                "uid": pa.array([uuid.uuid4().hex for _ in range(m)]),
                "registered_by_id": _constant(organisation_id, m, pa.int64()),
                "external_id": chunk["external_id"],
                "first_name_ar": chunk["first_name_ar"],
                "last_name_ar": chunk["last_name_ar"],
                "first_name_latin": chunk["first_name_latin"],
                "last_name_latin": chunk["last_name_latin"],
                "search_name": _constant("", m),
                "sex": chunk["sex"],
                "birth_date": chunk["birth_date"],
                "birth_date_estimated": _constant(False, m, pa.bool_()),
                "nationality": chunk["nationality"],
                "migration_status": pa.array([crypto.encrypt(s) for s in statuses]),
                "territory_id": pa.array([province_ids[c] for c in chunk["province_code"].to_pylist()]),
                "area": _constant("", m),
                "phone": _constant("", m),
                "phone_alt": _constant("", m),
                "id_type": _constant("", m),
                "id_number": _constant("", m),
                "id_number_hash": _constant("", m),
                "education_level": chunk["education_level"],
                "neet": chunk["neet"],
                "household_head": _constant(False, m, pa.bool_()),
                "languages": _constant("[]", m),
                "disability_answers": pa.array(answers, pa.string()),
                "created_at": _constant(STAMP, m),
                "updated_at": _constant(STAMP, m),
            }
        )
        _copy(cursor, "registry_person", data)
        written += m
        log(f"  people {written:,}/{n:,}")
    cursor.execute("SELECT id FROM registry_person ORDER BY id")
    return np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)


def _decode(values: np.ndarray, table: tuple) -> pa.Array:
    lookup = pa.array(["", *table])
    return lookup.take(pa.array(values + 1))


def load_pathways(cursor, person_ids: np.ndarray, project_ids: list[int], organisation_id: int, share, log):
    from kafaat.synth import pathways as synth

    epoch = np.datetime64("1970-01-01")
    steps = 0
    sizes = [len(person_ids), int(len(person_ids) * share), int(len(person_ids) * share)]
    for index, (project_id, size) in enumerate(zip(project_ids, sizes, strict=True)):
        started = time.monotonic()
        generated = synth.generate_pathways(size, seed=100 + index, today=TODAY)
        c = generated.columns
        n = len(generated)
        who = person_ids[c["person"]]
        data = pa.table(
            {
                "person_id": pa.array(who),
                "organisation_id": _constant(organisation_id, n, pa.int64()),
                "project_id": _constant(project_id, n, pa.int64()),
                "kind": _decode(c["kind"], synth.KINDS),
                "date": pa.array((epoch + c["day"]).astype("datetime64[D]")),
                "status": _decode(c["status"], synth.STATUSES),
                "outcome": _constant("", n),
                "external_id": _constant("", n),
                "skill_level": _decode(c["skill_level"], synth.SKILL_LEVELS),
                "referral_target": _decode(c["referral_target"], synth.REFERRAL_TARGETS),
                "programme": _decode(c["programme"], tuple(p[0] for p in synth.PROGRAMMES)),
                "cohort": _constant("", n),
                "dropout_reason": _decode(c["dropout_reason"], synth.DROPOUT_REASONS),
                "credential": _decode(c["credential"], synth.CREDENTIALS),
                "level": _decode(c["level"], synth.LEVELS),
                "placement_type": _decode(c["placement_type"], synth.PLACEMENT_TYPES),
                "employer_name": _constant("", n),
                "sector": _decode(c["sector"], synth.SECTORS),
                "contract_type": _decode(c["contract_type"], synth.CONTRACT_TYPES),
                "wage_band": _decode(c["wage_band"], synth.WAGE_BANDS),
                "follow_up_months": pa.array(c["months"], mask=c["months"] == 0),
                "still_employed": pa.array(c["still_employed"] == 1, mask=c["still_employed"] < 0),
                "income_band": _decode(c["income_band"], synth.WAGE_BANDS),
                "created_at": _constant(STAMP, n),
            }
        )
        del generated
        for start in range(0, n, 1_000_000):
            _copy(cursor, "pathways_step", data.slice(start, 1_000_000))
        intake = c["kind"] == synth.KINDS.index("intake")
        joined = pa.table(
            {
                "person_id": pa.array(who[intake]),
                "project_id": _constant(project_id, int(intake.sum()), pa.int64()),
                "organisation_id": _constant(organisation_id, int(intake.sum()), pa.int64()),
                "joined_on": pa.array((epoch + c["day"][intake]).astype("datetime64[D]")),
            }
        )
        _copy(cursor, "pathways_participation", joined)
        steps += n
        log(
            f"  project {index}: {n:,} steps, {int(intake.sum()):,} participations, "
            f"{time.monotonic() - started:.0f} s"
        )
    return steps


def load(connection_url: str, people: int, share: float, log) -> dict[str, int]:
    """Everything into the (migrated, empty) database at `connection_url`; returns the row counts."""
    import psycopg

    from kafaat.core.models import Organisation, Project, Territory

    organisation = Organisation.objects.create(
        code="bench-engine", type="implementing_agency", name_fr="Bench", territory=Territory.objects.first()
    )
    projects = [
        Project.objects.create(code=f"bench-{i}", name_fr=f"Bench {i}", start_date=date(2025, 1, 1))
        for i in range(3)
    ]
    provinces = dict(Territory.objects.filter(level="province").values_list("code", "id"))
    with psycopg.connect(connection_url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK trigger per copied row
        person_ids = load_people(cursor, people, organisation.pk, provinces, log)
        steps = load_pathways(cursor, person_ids, [p.pk for p in projects], organisation.pk, share, log)
        cursor.execute("ANALYZE")
    return {"people": len(person_ids), "steps": steps}
