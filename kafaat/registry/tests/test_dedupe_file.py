"""Deduplicating any spreadsheet: columns unknown until mapped, names from anywhere, CSV or XLSX."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from kafaat.core.models import Job
from kafaat.registry.dedup import spreadsheet as dedupe_file

ROWS = [
    # ref, given, family, born, mobile, town
    ("A-1", "John", "Smith", "1990-04-12", "0612000001", "Leeds"),
    ("A-2", "Jon", "Smith", "12/04/1990", "06 12 00 00 01", "Leeds"),
    ("A-3", "SMITH", "John", "04/12/1990", "", "leeds"),  # swapped names, day and month swapped
    ("A-4", "Mary", "Smith", "1993-08-30", "0612000001", "Leeds"),  # his sister: same phone and town
    ("A-5", "Anna", "Kowalska", "1985", "0655123456", "York"),
    ("A-6", "Anna", "Kowalska", "1985-02-07", "+212 6 55 12 34 56", "York"),  # year only in the other row
    ("A-7", "فاطمة الزهراء", "بنعلي", "2001-03-12", "0677000000", "Oujda"),
    ("A-8", "Fatima Zahra", "Benali", "12/03/2001", "0677000000", "Oujda"),
] + [
    (
        f"B-{i}",
        f"Person{i}",
        f"Family{i % 7}",
        f"19{70 + i % 30}-0{1 + i % 9}-1{i % 10}",
        f"06{30000000 + i * 7}",
        "Hull",
    )
    for i in range(40)
]
MAPPING = [
    "--map",
    "Prénom usuel=first_name",
    "--map",
    "Nom=last_name",
    "--map",
    "Né(e) le=birth_date",
    "--map",
    "GSM=phone",
    "--map",
    "Ville=commune",
]


def _write_csv(path):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Réf", "Prénom usuel", "Nom", "Né(e) le", "GSM", "Ville"])
        writer.writerows(ROWS)
    return path


def _clusters(path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig") as handle:
        return {row["Réf"]: row for row in csv.DictReader(handle)}


def test_the_command_writes_every_row_with_its_cluster_and_the_pairs(tmp_path, db):
    source, out = _write_csv(tmp_path / "list.csv"), tmp_path / "clusters.csv"
    stdout = io.StringIO()
    call_command("dedupe_file", str(source), "--id-column", "Réf", *MAPPING, "--out", str(out), stdout=stdout)
    rows = _clusters(out)
    assert len(rows) == len(ROWS)
    cluster = {ref: row["cluster_id"] for ref, row in rows.items()}
    assert cluster["A-1"] == cluster["A-2"] == cluster["A-3"]
    assert cluster["A-4"] != cluster["A-1"]
    assert cluster["A-5"] == cluster["A-6"]
    assert cluster["A-7"] == cluster["A-8"]
    assert len({cluster[f"B-{i}"] for i in range(40)}) == 40
    assert rows["A-2"]["cluster_size"] == "3" and rows["B-1"]["cluster_size"] == "1"
    with (tmp_path / "clusters_pairs.csv").open(encoding="utf-8-sig") as handle:
        pairs = {frozenset((p["id_1"], p["id_2"])): p for p in csv.DictReader(handle)}
    pair = pairs[frozenset(("A-1", "A-3"))]
    assert float(pair["probability"]) > 0.5 and "birth date: day/month swapped" in pair["agreed"]
    assert "48 rows" in stdout.getvalue()


def test_an_xlsx_file_and_a_full_name_column(tmp_path, db):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Nom complet", "Date"])
    for name, born in (
        ("Ahmed El Idrissi", "1999-01-05"),
        ("Ahmed Idrissi", "05/01/1999"),
        ("Karim Tazi", "1980"),
    ):
        sheet.append([name, born])
    source = tmp_path / "list.xlsx"
    book.save(source)
    summary = dedupe_file.dedupe(
        source, {"Nom complet": "full_name", "Date": "birth_date"}, tmp_path / "out.csv"
    )
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"] != rows[2]["cluster_id"]
    assert summary["rows"] == 3 and summary["clusters"] == 2


@translation.override("en")
def test_a_bad_mapping_is_explained(tmp_path, db):
    source = _write_csv(tmp_path / "list.csv")
    with pytest.raises(CommandError, match="No column named"):
        call_command(
            "dedupe_file", str(source), "--map", "Missing=first_name", "--out", str(tmp_path / "o.csv")
        )
    with pytest.raises(CommandError, match="Unknown field"):
        call_command("dedupe_file", str(source), "--map", "Nom=surname", "--out", str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="name column"):
        call_command("dedupe_file", str(source), "--map", "GSM=phone", "--out", str(tmp_path / "o.csv"))


def test_the_page_uploads_maps_runs_and_serves_clusters(client, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world["users"]["caseworker_a"])
    data = _write_csv(tmp_path / "list.csv").read_bytes()
    response = client.post(
        reverse("registry:dedupe_file"),
        {"file": SimpleUploadedFile("list.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 302
    job_url = response["Location"]
    mapping_page = client.get(job_url)
    assert mapping_page.context["guesses"]["GSM"] == "phone"
    assert mapping_page.context["guesses"]["Prénom usuel"] == "first_name"
    form = {
        f"map_{i}": field
        for i, field in enumerate(["", "first_name", "last_name", "birth_date", "phone", "commune"])
    }
    client.post(job_url, {**form, "id_column": "Réf"})
    done = client.get(job_url)
    assert done.context["job"].status == "done", done.context["job"].data
    task = Job.objects.get(kind=dedupe_file.JOB_KIND)  # a job of the worker (here, the tests' immediate one)
    assert (task.status, task.target) == (Job.Status.DONE, done.context["job"].id)
    assert task.user == world["users"]["caseworker_a"]
    download = client.get(reverse("registry:dedupe_file_download", args=[done.context["job"].id]))
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "cluster_id" in body.splitlines()[0] and len(body.splitlines()) == len(ROWS) + 1
    client.force_login(world["users"]["caseworker_b"])  # another user's job is not found
    assert client.get(job_url).status_code == 404
