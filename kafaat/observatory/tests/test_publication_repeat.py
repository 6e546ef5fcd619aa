"""Publishing the figures of the last version again: warned before anything is stored (from the same snapshot,
or a new snapshot with the same figures), published only when the publisher insists; and each package's
preview (a chart and the first rows of its main table) on the public pages."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from kafaat.core.models import Job
from kafaat.observatory import publication, warehouse
from kafaat.observatory.publication import preview, repeat
from kafaat.observatory.publication.models import Publication


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["kafaat_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def ready(fake_gaps, open_data_dir, reference_territories):
    warehouse.refresh()
    return fake_gaps


# --- The pure checks ----------------------------------------------------------------------------------------


def test_the_fingerprint_is_the_data_files_only():
    files = [("gaps_by_sector.csv", "a" * 64), ("gaps_by_occupation.csv", "b" * 64)]
    versioned = [("datapackage.json", "c" * 64), ("kafaat-ma-02-2025-v2.xlsx", "d" * 64), *reversed(files)]
    assert repeat.content_fingerprint(files) == repeat.content_fingerprint(versioned)  # descriptor, workbook
    changed = [("gaps_by_sector.csv", "e" * 64), files[1]]
    assert repeat.content_fingerprint(changed) != repeat.content_fingerprint(files)
    renamed = [("gaps_by_region.csv", "a" * 64), files[1]]
    assert repeat.content_fingerprint(renamed) != repeat.content_fingerprint(files)
    fingerprint = repeat.content_fingerprint(files)
    assert repeat.identical(fingerprint, fingerprint)
    assert not repeat.identical(fingerprint, None)  # no version yet
    assert not repeat.identical(fingerprint, repeat.content_fingerprint(changed))


def test_same_snapshot_compares_the_versions_snapshot_time():
    from datetime import UTC, datetime

    taken = datetime(2026, 12, 7, 10, tzinfo=UTC)
    last = Publication(snapshot_taken_at=taken)
    assert repeat.same_snapshot(last, taken)
    assert not repeat.same_snapshot(last, datetime(2026, 12, 8, tzinfo=UTC))
    assert not repeat.same_snapshot(None, taken) and not repeat.same_snapshot(last, None)


# --- The service --------------------------------------------------------------------------------------------


def test_an_identical_package_is_refused_when_asked_and_nothing_is_stored(ready, db):
    first = publication.publish(None, "MA-02", 2025)
    assert repeat.repeated_snapshot("MA-02", 2025) == first
    with pytest.raises(repeat.IdenticalPackage, match="version 1") as refused:
        publication.publish(None, "MA-02", 2025, refuse_identical=True)
    assert refused.value.last == first
    assert Publication.objects.count() == 1
    assert not (publication.open_data_root() / "MA-02" / "2025" / "v2").exists()
    assert [p.name for p in (publication.open_data_root() / "MA-02" / "2025").iterdir()] == ["v1"]
    # A new snapshot of the same data: the figures, not the snapshot, say it is the same package.
    warehouse.refresh()
    assert repeat.repeated_snapshot("MA-02", 2025) is None
    with pytest.raises(repeat.IdenticalPackage, match="exactly the figures of version 1"):
        publication.publish(None, "MA-02", 2025, refuse_identical=True)
    # The command line and the API publish as before; another territory or year is another package.
    assert publication.publish(None, "MA-02", 2025).version == 2
    assert repeat.repeated_snapshot("MA-01", 2025) is None and repeat.repeated_snapshot("MA-02", "x") is None


def test_changed_figures_are_published(ready, db, monkeypatch):
    publication.publish(None, "MA-02", 2025)
    warehouse.refresh()
    monkeypatch.setitem(ready.OCCUPATION, ("02.411", "72"), (45, 12, 30, 10, 3))  # five more graduates
    assert publication.publish(None, "MA-02", 2025, refuse_identical=True).version == 2


# --- The page -----------------------------------------------------------------------------------------------


def test_the_form_warns_before_publishing_the_same_figures_again(client, ready, world):
    client.force_login(world["users"]["analyst_oriental"])
    assert client.post("/open-data/publish/", {"region": "MA-02", "year": "2025"}).status_code == 302
    again = client.post("/open-data/publish/", {"region": "MA-02", "year": "2025"})
    html = again.content.decode()
    assert again.status_code == 409 and 'id="publish-identical"' in html
    assert "same snapshot of the warehouse" in html and 'href="/open-data/MA-02/2025/v1/"' in html
    assert re.search(r'name="even_if_identical" value="1"', html)
    assert Publication.objects.count() == 1  # nothing built, nothing stored
    warehouse.refresh()  # a new snapshot, the same figures: queued, built, compared, not stored
    same = client.post("/open-data/publish/", {"region": "MA-02", "year": "2025"})
    assert same.status_code == 302  # to the job's page: the job ends refused with the warning
    job = Job.objects.filter(kind=publication.PUBLISH_JOB).order_by("-pk")
    refused = [j for j in job if j.status == Job.Status.REFUSED]
    assert len(refused) == 1 and "exactly the figures of version 1" in refused[0].message
    assert "exactly the figures of version 1" in client.get(same["Location"]).content.decode()
    assert Publication.objects.count() == 1
    insisted = client.post(
        "/open-data/publish/", {"region": "MA-02", "year": "2025", "even_if_identical": "1"}
    )
    assert insisted.status_code == 302
    assert Publication.objects.filter(scope_code="MA-02", year=2025, version=2).exists()


def test_insisting_gives_no_other_right(client, ready, world):
    client.force_login(world["users"]["analyst_oriental"])
    publication.publish(None, "MA-02", 2025)
    other = client.post("/open-data/publish/", {"region": "MA-01", "year": "2025", "even_if_identical": "1"})
    assert other.status_code == 403  # not their region, warning or not
    other = client.post("/open-data/publish/", {"region": "MA-01", "year": "2025"})
    assert other.status_code == 403 and 'id="publish-identical"' not in other.content.decode()
    unknown = client.post(
        "/open-data/publish/", {"region": "MA-99", "year": "2025", "even_if_identical": "1"}
    )
    assert unknown.status_code == 400 and "Unknown region" in unknown.content.decode()
    assert Publication.objects.count() == 1
    client.force_login(world["users"]["caseworker_a"])  # the same figures or not: no right to publish
    assert client.post("/open-data/publish/", {"region": "MA-02", "year": "2025"}).status_code == 403


# --- The preview --------------------------------------------------------------------------------------------


def test_a_packages_page_previews_its_chart_and_first_rows(client, ready):
    package = publication.publish(None, "MA-02", 2025)
    html = client.get("/open-data/MA-02/2025/v1/").content.decode()
    section = html.split('id="package-preview"')[1].split("</section>")[0]
    assert '<figure class="chart preview-chart"><svg' in section
    rows = re.findall(r"<tr><td>", section.split("<tbody>")[1])
    total = package.summary["rows"]["gaps_by_occupation"]
    assert len(rows) == min(preview.ROWS, total)
    assert f"The first {len(rows)} rows of gaps_by_occupation.csv ({total} rows)" in section
    shown = preview.preview(package, "en")
    assert shown.headers == ["Territory", "Group", "Graduates", "Vacancies", "S/D", "Mismatch"]
    stored = (publication.open_data_root() / package.directory / "gaps_by_occupation.csv").read_text()
    first = stored.splitlines()[1].split(",")
    assert shown.rows[0][0] == first[5] and shown.rows[0][1].startswith(first[6])  # name (en), group code
    assert all(cell == "*" for cell, raw in zip(shown.rows[0][2:4], (first[10], first[12]), strict=True)
               if raw == "*")  # fmt: skip


def test_the_preview_shows_suppressed_cells_as_the_files_do(ready, db):
    package = publication.publish(None, "MA-02", 2025)
    path = publication.open_data_root() / package.directory / "gaps_by_occupation.csv"
    hidden = sum(line.split(",")[10] == "*" for line in path.read_text().splitlines()[1 : preview.ROWS + 1])
    assert sum(row[2] == "*" for row in preview.preview(package, "fr").rows) == hidden


def test_the_list_opens_each_preview_on_demand(client, ready):
    publication.publish(None, "MA-02", 2025)
    html = client.get("/open-data/").content.decode()
    details = re.search(r'<details class="preview" id="preview-MA-02-2025-v1"(.*?)>\s*<summary', html, re.S)
    details = details.group(1)
    assert 'hx-get="/open-data/MA-02/2025/v1/"' in details and 'hx-trigger="toggle once"' in details
    assert 'hx-select="#package-preview > .preview-body"' in details  # its content only: no ids twice
    assert 'href="/open-data/MA-02/2025/v1/#package-preview"' in html  # without JavaScript


def test_an_unreadable_package_has_no_preview(client, ready):
    package = publication.publish(None, "MA-02", 2025)
    path = publication.open_data_root() / package.directory / "gaps_by_occupation.csv"
    path.chmod(0o600)
    path.write_text("damaged")  # its recorded size no longer matches: never read
    assert preview.preview(package, "en") is None
    assert "No preview" in client.get("/open-data/MA-02/2025/v1/").content.decode()


def test_the_preview_in_arabic(client, ready):
    package = publication.publish(None, "MA-02", 2025)
    shown = preview.preview(package, "ar")
    assert shown.headers[0] == "الوحدة الترابية" and shown.rows[0][0] == "الشرق"
    client.cookies["kafaat_language"] = "ar"
    assert (
        "الشرق" in client.get("/open-data/MA-02/2025/v1/").content.decode().split('id="package-preview"')[1]
    )
