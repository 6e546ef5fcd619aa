"""Synthetic national data for the observatory benchmark: supply and vacancies over the whole country.

`generate_national` reuses the supply generator (`supply.generate_supply`: establishments, programmes, their
ISCO occupations, years of statistics) and the vacancy generator (`vacancies.generate_vacancies`) with every
province of provinces_hcp.csv weighted by its population and posting days spread over the same years as the
supply. `load_national` writes them with COPY on PostgreSQL (a CSV stream written by pyarrow, no per-row
Python) and `executemany` on SQLite; establishments and programmes, whose ids the next tables need, go through
`bulk_create`. A tenth of the vacancies are left uncoded (as the coding queue leaves them).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kafaat.synth.supply import SupplyTables, generate_supply
from kafaat.synth.vacancies import generate_vacancies

UNCODED_SHARE = 0.10
ORGANISATION = "synth-observatory"  # the organisation that "enters" the synthetic vacancies


@dataclass
class NationalTables:
    supply: SupplyTables
    vacancies: pa.Table
    first_year: int
    years: int


def national_provinces() -> tuple[tuple[str, str, float], ...]:
    """(province code, name, weight) for every province: vacancies follow the population."""
    from kafaat.observatory.warehouse.supply_demand import HCP_PROVINCES

    with HCP_PROVINCES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple((row["code"], row["name_fr"], int(row["population_2024"]) / 100_000) for row in rows)


def generate_national(
    *,
    establishments: int = 3_000,
    programmes: int = 20_000,
    years: int = 10,
    vacancies: int = 2_000_000,
    first_year: int = 2015,
    seed: int = 2026,
) -> NationalTables:
    """Training years first_year … first_year+years-1; vacancies posted over the calendar years they feed."""
    supply = generate_supply(establishments, programmes, years, first_year, seed)
    start = date(first_year + 1, 1, 1)
    days = (date(first_year + 1 + years, 1, 1) - start).days - 21  # re-posts land up to 20 days later
    table = generate_vacancies(
        vacancies, seed=seed, employers=max(10, vacancies // 20), provinces=national_provinces(),
        start=start, days=days,
    )  # fmt: skip
    return NationalTables(supply, table, first_year, years)


# --- Writing ------------------------------------------------------------------------------------------------


def bulk_insert(table_name: str, table: pa.Table, *, batch: int = 20_000) -> int:
    """Append `table` (columns named as the database's) to `table_name`: COPY on PostgreSQL."""
    from django.db import connection

    columns = ", ".join(table.column_names)
    plain = pa.table(
        {
            name: column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )
    if connection.vendor == "postgresql":
        import pyarrow.csv as pacsv

        with connection.cursor() as cursor:
            sql = f"COPY {table_name} ({columns}) FROM STDIN WITH (FORMAT csv)"
            with cursor.cursor.copy(sql) as copy:
                for offset in range(0, plain.num_rows, 200_000):
                    buffer = io.BytesIO()
                    pacsv.write_csv(
                        plain.slice(offset, 200_000), buffer,
                        pacsv.WriteOptions(include_header=False, quoting_style="needed"),
                    )  # fmt: skip
                    copy.write(buffer.getvalue())
        return plain.num_rows
    marks = ", ".join(["%s"] * len(table.column_names))
    with connection.cursor() as cursor:
        for offset in range(0, plain.num_rows, batch):
            rows = [tuple(r.values()) for r in plain.slice(offset, batch).to_pylist()]
            cursor.executemany(f"INSERT INTO {table_name} ({columns}) VALUES ({marks})", rows)  # noqa: S608
    return plain.num_rows


def _skip_foreign_key_triggers() -> None:
    """On PostgreSQL, for this transaction only, skip the foreign-key triggers (every id written was just
    read from the database): checking 10M deferred references at commit took longer than the COPY itself.
    Needs a superuser (a scratch database); otherwise the checks simply run."""
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


def load_national(tables: NationalTables) -> dict[str, int]:
    """Write the generated tables; returns row counts. Run on a scratch database."""
    from django.db import transaction
    from django.utils import timezone

    from kafaat.core.models import Organisation, Territory
    from kafaat.labour import classifier
    from kafaat.labour.models import Occupation
    from kafaat.labour.models import Sector as Isic
    from kafaat.labour.services import employer_key
    from kafaat.synth.supply import OPERATOR_MIX
    from kafaat.training.models import Establishment, Programme, Sector

    now = timezone.now().astimezone(UTC).replace(tzinfo=None)  # naive UTC, as Django stores it

    def stamp(size: int) -> pa.Array:
        return pa.repeat(pa.scalar(now, pa.timestamp("us")), size)

    provinces = dict(Territory.objects.filter(level=Territory.Level.PROVINCE).values_list("code", "id"))
    rabat = Territory.objects.get(code="04.421")
    counts: dict[str, int] = {}
    with transaction.atomic():
        _skip_foreign_key_triggers()
        operators = {
            kind: Organisation.objects.get_or_create(
                code=f"synth-{kind}",
                defaults={"type": "ofppt" if kind == "ofppt" else "ministry", "territory": rabat,
                          "name_fr": f"Opérateur synthétique {kind}"},
            )[0]
            for kind in OPERATOR_MIX
        }  # fmt: skip
        entered_by = Organisation.objects.get_or_create(
            code=ORGANISATION, defaults={"type": "implementing_agency", "territory": rabat,
                                         "name_fr": "Observatoire synthétique"},
        )[0]  # fmt: skip
        # Establishments and programmes: bulk_create, whose ids the next tables need.
        s = tables.supply
        sectors = {sector.code: sector for sector in Sector.objects.all()}
        e = s.establishments.to_pydict()
        establishments = Establishment.objects.bulk_create(
            [Establishment(code=code, name_fr=name, operator_type=kind, operator=operators[kind],
                           territory_id=provinces[province], capacity=capacity)
             for code, name, kind, province, capacity in zip(e["code"], e["name_fr"], e["operator_type"],
                                                             e["province_code"], e["capacity"], strict=True)],
            batch_size=5_000,
        )  # fmt: skip
        p = s.programmes.to_pydict()
        programmes = Programme.objects.bulk_create(
            [Programme(establishment=establishments[owner], code=code, title_fr=title, title_ar=title_ar,
                       sector=sectors[sector], level=level, mode=mode, duration_months=months)
             for owner, code, title, title_ar, sector, level, mode, months in zip(
                 p["establishment"], p["code"], p["title_fr"], p["title_ar"], p["sector"], p["level"],
                 p["mode"], p["duration_months"], strict=True)],
            batch_size=5_000,
        )  # fmt: skip
        programme_ids = np.array([programme.pk for programme in programmes], dtype=np.int64)
        counts["establishments"], counts["programmes"] = len(establishments), len(programmes)
        occupations = s.occupations
        counts["occupations"] = bulk_insert(
            "training_programmeoccupation",
            pa.table({"programme_id": programme_ids[occupations["programme"].to_numpy()],
                      "isco_code": occupations["isco_code"]}),
        )  # fmt: skip
        st = s.statistics
        n = st.num_rows
        columns = {"programme_id": programme_ids[st["programme"].to_numpy()], "year": st["year"],
                   "source": pa.repeat("published", n), "age_band": pa.repeat("", n)}  # fmt: skip
        columns.update({name: st[name] for name in st.column_names if name not in ("programme", "year")})
        columns["updated_at"] = stamp(n)
        counts["statistics"] = bulk_insert("training_supplystatistic", pa.table(columns))

        # Employers (COPY, then their ids read back by name), then the vacancies.
        v = tables.vacancies
        isic = dict(Isic.objects.values_list("code", "id"))
        employer_names = v["employer"].combine_chunks().dictionary.to_pylist()
        employer_sectors = v["sector"].combine_chunks().dictionary.to_pylist()
        firm = v["employer"].combine_chunks().indices.to_numpy()
        province_codes = v["territory"].combine_chunks().dictionary.to_pylist()
        row_province = v["territory"].combine_chunks().indices.to_numpy()
        firm_province = np.zeros(len(employer_names), dtype=np.int64)
        firm_province[firm] = row_province  # an employer's ads are all in its province
        territory_ids = np.array([provinces[code] for code in province_codes], dtype=np.int64)
        sector_ids = np.array([isic.get(code) for code in employer_sectors], dtype=object)
        m = len(employer_names)
        counts["employers"] = bulk_insert(
            "labour_employer",
            pa.table({
                "organisation_id": pa.array(np.full(m, entered_by.pk)), "name": pa.array(employer_names),
                "name_key": pa.array([employer_key(name) for name in employer_names]),
                "sector_id": pa.array(sector_ids.tolist(), pa.int64()),
                "territory_id": pa.array(territory_ids[firm_province]), "size": pa.repeat("", m),
                "ice": pa.repeat("", m), "created_at": stamp(m),
                "updated_at": stamp(m),
            }),
        )  # fmt: skip
        from kafaat.labour.models import Employer

        ids = dict(Employer.objects.filter(organisation=entered_by).values_list("name", "id"))
        employer_ids = np.array([ids[name] for name in employer_names], dtype=np.int64)
        occupation_ids = dict(Occupation.objects.filter(level=4).values_list("code", "id"))
        rows = v.num_rows
        rng = np.random.default_rng(7)
        coded = rng.random(rows) >= UNCODED_SHARE
        codes, which = np.unique(v["true_isco"].to_numpy(zero_copy_only=False), return_inverse=True)
        occupation = np.array([occupation_ids.get(code) for code in codes], dtype=object)[which]
        occupation[~coded] = None
        titles = v["title"].combine_chunks()
        pool = titles.dictionary.to_pylist()
        used = np.unique(titles.indices.to_numpy())
        keys = np.full(len(pool), "", dtype=object)
        keys[used] = [classifier.normalise(pool[i]) for i in used.tolist()]  # each distinct title once
        counts["vacancies"] = bulk_insert(
            "labour_vacancy",
            pa.table({
                "organisation_id": pa.array(np.full(rows, entered_by.pk)),
                "employer_id": pa.array(employer_ids[firm]),
                "title": titles,
                "title_key": pa.DictionaryArray.from_arrays(titles.indices,
                                                          pa.array(keys.tolist(), pa.string())),
                "description": pa.repeat("", rows),
                "occupation_id": pa.array(occupation.tolist(), pa.int64()),
                "coding_status": pa.array(np.where(coded, "confirmed", "uncoded")),
                "sector_id": pa.array(sector_ids[firm].tolist(), pa.int64()),
                "territory_id": pa.array(territory_ids[row_province]),
                "positions": v["positions"], "contract_type": v["contract_type"],
                "required_level": v["required_level"], "posted_on": v["posted_on"], "source": v["source"],
                "source_name": pa.repeat("", rows),
                "external_id": pc.binary_join_element_wise("SYN-OBS-", pc.cast(
                    pa.array(np.arange(1, rows + 1)), pa.string()), ""),
                "created_at": stamp(rows),
                "updated_at": stamp(rows),
            }),
        )  # fmt: skip
    return counts
