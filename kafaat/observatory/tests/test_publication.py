"""Open-data publication: a valid Frictionless package, suppression in it, immutability, who may publish,
clear refusals; the gap engine is the hand-set stand-in of fake_gaps.py."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import frictionless
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import load_workbook

from kafaat.observatory import publication, warehouse
from kafaat.observatory.publication import package as publication_package
from kafaat.observatory.publication.models import ImmutableError, Publication, PublicationFile
from kafaat.results.suppression import MARKER, THRESHOLD


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are matched in English (French is the default language)."""
    client.cookies["kafaat_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def ready(fake_gaps, open_data_dir, reference_territories):
    warehouse.refresh()  # a snapshot of the (empty) operational database: the time every figure is "as of"
    return fake_gaps


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def stored(package: Publication) -> Path:
    return publication.open_data_root() / package.directory


def test_the_package_is_a_valid_data_package(ready, db):
    package = publication.publish(None, "MA-02", 2025)
    folder = stored(package)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == [
        "gaps_by_occupation", "gaps_by_sector", "supply_demand_totals", "projections"
    ]  # fmt: skip
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    schema = descriptor["resources"][0]["schema"]
    assert schema["missingValues"] == ["", MARKER]
    graduates = next(f for f in schema["fields"] if f["name"] == "graduates")
    assert graduates["type"] == "integer" and graduates["unit"] == "persons"
    assert set(graduates["descriptions"]) == {"fr", "ar", "en"}
    assert graduates["descriptions"]["fr"] != graduates["descriptions"]["en"]
    names = {f.name for f in package.files.all()}
    assert {
        "methodology.fr.md",
        "methodology.ar.md",
        "methodology.en.md",
        "kafaat-ma-02-2025-v1.xlsx",
    } <= names
    for item in package.files.all():
        assert publication_package.sha256_of(folder / item.name) == item.sha256
    assert package.package_sha256 == publication_package.sha256_of(folder / "datapackage.json")
    assert package.snapshot_taken_at is not None


def test_small_cells_are_suppressed_with_secondary_suppression(ready, db):
    package = publication.publish(None, "MA-02", 2025)
    rows = {
        (r["territory_code"], r["group_code"]): r for r in rows_of(stored(package) / "gaps_by_occupation.csv")
    }
    nador = rows[("02.381", "72")]
    assert nador["graduates"] == MARKER  # 3 graduates: primary suppression
    assert nador["ratio"] == MARKER and nador["mismatch"] == MARKER and nador["coverage"] == MARKER
    # Secondary: the region's figure of group 72 is published, so another province's figure in that column is
    # hidden too, and the hidden ones add up to at least the threshold.
    column = [rows[(p, "72")]["graduates"] for p in ("02.411", "02.381", "02.113")]
    assert column.count(MARKER) >= 2
    region = int(rows[("MA-02", "72")]["graduates"])
    shown = sum(int(v) for v in column if v != MARKER)
    assert region - shown >= THRESHOLD
    # Nador's row (all groups) is in the totals: its other group is hidden as well.
    assert rows[("02.381", "51")]["graduates"] == MARKER
    # No published count anywhere is a small number.
    for name in ("gaps_by_occupation.csv", "gaps_by_sector.csv", "supply_demand_totals.csv"):
        for row in rows_of(stored(package) / name):
            for field in publication.PUBLISHED_COUNTS:
                assert row[field] == MARKER or not 0 < int(row[field]) < THRESHOLD, (name, row)
    # Men = all - women is never a small number either, where both are shown.
    for row in rows_of(stored(package) / "gaps_by_occupation.csv"):
        for whole, women in (("graduates", "graduates_women"), ("hires", "hires_women")):
            if MARKER not in (row[whole], row[women]):
                assert not 0 < int(row[whole]) - int(row[women]) < THRESHOLD, row


def test_the_xlsx_has_a_sheet_per_resource_and_right_to_left_arabic(ready, db):
    package = publication.publish(None, "MA-02", 2025)
    workbook = load_workbook(stored(package) / "kafaat-ma-02-2025-v1.xlsx")
    assert workbook.sheetnames[:4] == [
        "gaps_by_occupation",
        "gaps_by_sector",
        "supply_demand_totals",
        "projections",
    ]
    assert {"Méthodologie", "المنهجية", "Methodology"} <= set(workbook.sheetnames)
    assert workbook["المنهجية"].sheet_view.rightToLeft
    assert not workbook["Methodology"].sheet_view.rightToLeft
    sheet = workbook["gaps_by_occupation"]
    header = [c.value for c in sheet[1]]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    nador = next(
        v
        for v in values
        if v[header.index("territory_code")] == "02.381" and v[header.index("group_code")] == "72"
    )
    assert nador[header.index("graduates")] == MARKER


def test_the_methodology_note_in_three_languages(ready, db):
    package = publication.publish(None, "MA-02", 2025)
    folder = stored(package)
    french = (folder / "methodology.fr.md").read_text(encoding="utf-8")
    arabic = (folder / "methodology.ar.md").read_text(encoding="utf-8")
    english = (folder / "methodology.en.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in english and "CC BY 4.0" in french and "CC BY 4.0" in arabic
    assert "Small-cell suppression" in english and "(S - D) / (S + D)" in english
    assert "linear" in english  # the projection method
    assert "Sources" in french and "المصادر" in arabic


def test_a_published_package_is_immutable_and_republishing_makes_a_new_version(ready, db):
    first = publication.publish(None, "MA-02", 2025)
    before = {f.name: f.sha256 for f in first.files.all()}
    first.year = 2024
    with pytest.raises(ImmutableError):
        first.save()
    with pytest.raises(ImmutableError):
        Publication.objects.filter(pk=first.pk).update(year=2024)
    with pytest.raises(ImmutableError):
        first.delete()
    with pytest.raises(ImmutableError):
        Publication.objects.all().delete()
    item = first.files.first()
    item.sha256 = "0" * 64
    with pytest.raises(ImmutableError):
        item.save()
    with pytest.raises(ImmutableError):
        PublicationFile.objects.filter(publication=first).update(size=1)

    second = publication.publish(None, "MA-02", 2025)
    assert (second.version, Publication.objects.get(pk=first.pk).version) == (2, 1)
    assert second.directory.endswith("v2") and stored(first) != stored(second)
    for item in Publication.objects.get(pk=first.pk).files.all():  # the first version's files are untouched
        assert publication_package.sha256_of(stored(first) / item.name) == before[item.name]
    assert publication.latest("MA-02", 2025).pk == second.pk


def test_an_existing_folder_is_never_overwritten(ready, db):
    (publication.open_data_root() / "MA-02" / "2025" / "v1").mkdir(parents=True)
    with pytest.raises(ValidationError, match="never overwritten"):
        publication.publish(None, "MA-02", 2025)
    assert not Publication.objects.exists()


def test_an_invalid_package_is_refused_and_nothing_is_stored(ready, db, monkeypatch):
    real = publication_package.table_schema

    def broken(spec):
        schema = real(spec)
        schema["fields"][2]["type"] = "integer"  # territory_code declared as a number: every row is wrong
        return schema

    monkeypatch.setattr(publication_package, "table_schema", broken)
    with pytest.raises(publication.PackageInvalid) as refused:
        publication.publish(None, "MA-02", 2025)
    assert "not valid" in refused.value.messages[0]
    assert any("territory_code" in m or "type" in m for m in refused.value.messages[1:])
    assert not Publication.objects.exists()
    assert [p.name for p in publication.open_data_root().rglob("*") if not p.name.startswith(".")] == []


def test_the_national_package(ready, db):
    package = publication.publish(None, "MA", 2025)
    assert package.territory is None and package.scope_code == "MA"
    assert frictionless.validate(str(stored(package) / "datapackage.json")).valid


def test_clear_refusals(fake_gaps, open_data_dir, reference_territories, db, settings, tmp_path):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "none.duckdb"
    with pytest.raises(ValidationError, match="no warehouse snapshot"):
        publication.publish(None, "MA-02", 2025)
    warehouse.refresh()
    with pytest.raises(ValidationError, match="Unknown region"):
        publication.publish(None, "MA-99", 2025)
    with pytest.raises(ValidationError, match="Unknown region"):
        publication.publish(None, "02.411", 2025)  # a province is not a region
    with pytest.raises(ValidationError, match="No data for 2019"):
        publication.publish(None, "MA-02", 2019)
    with pytest.raises(ValidationError, match="No data for"):
        publication.publish(None, "MA-05", 2025)  # the stand-in has no figures for Béni Mellal-Khénifra
    assert not Publication.objects.exists()


def test_who_may_publish(ready, world):
    users = world["users"]
    analyst = users["analyst_oriental"]  # scope MA-02
    assert publication.publish(analyst, "MA-02", 2025).published_by == analyst
    with pytest.raises(PermissionDenied):
        publication.publish(analyst, "MA-01", 2025)  # outside the analyst's territory
    with pytest.raises(PermissionDenied):
        publication.publish(analyst, "MA", 2025)  # national needs a national scope
    for name in ("caseworker_a", "manager", "donor", "nobody"):
        with pytest.raises(PermissionDenied):
            publication.publish(users[name], "MA-02", 2025)
    assert [code for code, _name in publication.publishable_scopes(analyst)] == ["MA-02"]
    assert publication.publish(users["superuser"], "MA", 2025).version == 1


def test_the_package_hides_whatever_the_dashboards_public_table_hides(ready, db):
    """Two publications of one table with different hidden cells could be combined: never show more."""
    package = publication.publish(None, "MA-02", 2025)
    rows = {
        (r["territory_code"], r["group_code"]): r for r in rows_of(stored(package) / "gaps_by_occupation.csv")
    }
    provinces = ready.published_table(ready.gap_table(2025, level="province", region="MA-02"))
    regions = ready.published_table(ready.gap_table(2025, level="region"))
    checked = 0
    for row in [*provinces, *regions]:
        for name in row.suppressed & set(publication.PUBLISHED_COUNTS):
            assert rows[(row.territory_code, row.group_code)][name] == MARKER, (row.territory_code, name)
            checked += 1
    assert checked


def test_figures_of_the_region_that_no_province_holds_have_their_own_row(ready, db, monkeypatch):
    monkeypatch.setattr(ready, "UNALLOCATED_VACANCIES", 7)
    package = publication.publish(None, "MA-02", 2025)
    rows = {
        (r["territory_code"], r["group_code"]): r for r in rows_of(stored(package) / "gaps_by_occupation.csv")
    }
    assert rows[("MA-02-NA", "72")]["vacancies"] == "7"
    assert rows[("MA-02-NA", "72")]["territory_name_en"] == "Not allocated to a province"
    region = next(r for r in ready.gap_table(2025, level="region", region="MA-02") if r.group_code == "72")
    assert rows[("MA-02", "72")]["vacancies"] == str(region.vacancies)  # the same figure as the gap engine's
    assert frictionless.validate(str(stored(package) / "datapackage.json")).valid


def test_a_request_the_gap_engine_refuses_is_a_validation_error(ready, db, monkeypatch):
    monkeypatch.setattr(ready, "REFUSE", "Unknown region “MA-02”.")
    with pytest.raises(ValidationError, match="Unknown region “MA-02”"):
        publication.publish(None, "MA-02", 2025)
    assert not Publication.objects.exists()
