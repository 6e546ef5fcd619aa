"""Open-data pages and API: public without log-in (exactly those URLs), no person data, the analysts' form,
the publish endpoint's answers, and the publish command."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import frictionless
import pytest
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from kafaat.core.models import Job
from kafaat.observatory import publication, warehouse
from kafaat.observatory.publication import package as publication_package
from kafaat.observatory.publication.models import Publication
from kafaat.registry.services import register_person

PUBLIC_PAGES = {
    "login", "set_language", "javascript-catalog", "admin:login",
    "open_data:index", "open_data:detail", "open_data:latest", "open_data:download",
    "health",  # counts and ages for a monitor, no personal data (docs/operations.md)
    "^api/",  # the API's JSON 404 for addresses no operation answers; the API checks its own auth
    "grants:register", "grants:invitation",  # an applicant organisation signs up (docs/grants/applying.md)
}  # fmt: skip


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are matched in English (French is the default language)."""
    client.cookies["kafaat_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def ready(fake_gaps, open_data_dir, reference_territories):
    warehouse.refresh()
    return fake_gaps


@pytest.fixture
def person(world):
    """A registered person whose name must never appear in anything published."""
    raw = {"external_id": "P-1", "first_name_latin": "Zineb", "last_name_latin": "Tazi-Oujdia", "sex": "F",
           "first_name_ar": "زينب", "last_name_ar": "التازي", "birth_date": "2001-03-12",
           "commune": "Oujda"}  # fmt: skip
    return register_person(
        world["users"]["admin_a"], raw, organisation=world["ngo_a"], consent_given_on=date(2025, 1, 1)
    )


def _public_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _public_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "login_required", True) is False:
            yield namespace + (pattern.name or str(pattern.pattern))


def test_exactly_the_open_data_pages_are_public():
    public = {name for name in _public_names(get_resolver().url_patterns) if not name.startswith("api:")}
    assert public == PUBLIC_PAGES


def test_anonymous_visitors_read_the_list_the_package_and_its_files(client, ready, person):
    package = publication.publish(None, "MA-02", 2025)
    listing = client.get(reverse("open_data:index"))
    assert listing.status_code == 200
    assert b"package-MA-02-2025-v1" in listing.content
    detail_url = reverse("open_data:detail", args=("MA-02", 2025, 1))
    assert detail_url == "/open-data/MA-02/2025/v1/"
    detail = client.get(detail_url)
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "CC BY 4.0" in page and "datapackage.json" in page
    latest = client.get("/open-data/MA-02/2025/latest/")
    assert latest.status_code == 302 and latest["Location"] == detail_url
    download = client.get("/open-data/MA-02/2025/v1/datapackage.json")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    descriptor = publication.open_data_root() / package.directory / "datapackage.json"
    assert publication_package.sha256_of(descriptor)
    assert json.loads(body)["id"] == "kafaat-ma-02-2025-v1"
    assert client.get("/open-data/MA-02/2025/v9/").status_code == 404
    assert client.get("/open-data/MA-02/2025/v1/../../settings.py").status_code == 404
    assert client.get("/open-data/MA-02/2025/v1/nothing.csv").status_code == 404
    # No person data: not on the pages, not in any file.
    names = ("Zineb", "Tazi-Oujdia", "زينب", "التازي")
    for response in (listing, detail):
        assert not any(name in response.content.decode() for name in names)
    for item in package.files.exclude(name__endswith=".xlsx"):
        text = (publication.open_data_root() / package.directory / item.name).read_text(encoding="utf-8")
        assert not any(name in text for name in names), item.name
        assert "pid" not in text.split("\n", 1)[0].split(",")


def test_the_public_pages_in_arabic_are_right_to_left(client, ready):
    publication.publish(None, "MA-02", 2025)
    client.cookies["kafaat_language"] = "ar"
    for url in ("/open-data/", "/open-data/MA-02/2025/v1/"):
        response = client.get(url)
        assert response.status_code == 200
        assert 'dir="rtl"' in response.content.decode()
    assert "الشرق" in client.get("/open-data/MA-02/2025/v1/").content.decode()


def test_other_pages_still_need_a_log_in(client, ready):
    for url in ("/open-data/publish/", "/observatory/warehouse/", "/people/", "/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_an_analyst_publishes_from_the_form(client, ready, world):
    client.force_login(world["users"]["analyst_oriental"])
    form = client.get("/open-data/publish/")
    assert (
        form.status_code == 200 and b'value="MA-02"' in form.content and b'value="MA-01"' not in form.content
    )
    response = client.post("/open-data/publish/", {"region": "MA-02", "year": "2025"})
    job = Job.objects.get(kind=publication.PUBLISH_JOB)
    assert response.status_code == 302 and response["Location"] == f"/open-data/publish/{job.pk}/"
    # The tests' immediate backend ran the job before the redirect: its page shows the package.
    page = client.get(response["Location"]).content.decode()
    assert job.status == Job.Status.DONE and 'href="/open-data/MA-02/2025/v1/"' in page
    assert (
        "version 1" in page and Publication.objects.get().published_by == world["users"]["analyst_oriental"]
    )
    refused = client.post("/open-data/publish/", {"region": "MA-02", "year": "2019"})
    assert refused.status_code == 400 and "2019" in refused.content.decode()
    assert client.post("/open-data/publish/", {"region": "MA-01", "year": "2025"}).status_code == 403
    assert Job.objects.filter(kind=publication.PUBLISH_JOB).count() == 1  # refusals queue nothing


def test_who_cannot_open_the_form(client, ready, world):
    client.force_login(world["users"]["caseworker_a"])
    assert client.get("/open-data/publish/").status_code == 403


def test_the_api_lists_packages_without_authentication(client, ready):
    publication.publish(None, "MA-02", 2025)
    publication.publish(None, "MA-02", 2025)
    response = client.get("/api/open-data/packages")
    assert response.status_code == 200
    packages = response.json()
    assert [(p["territory_code"], p["year"], p["version"]) for p in packages] == [
        ("MA-02", 2025, 2),
        ("MA-02", 2025, 1),
    ]
    assert packages[0]["url"] == "/open-data/MA-02/2025/v2/"
    assert {f["name"] for f in packages[0]["files"]} >= {"datapackage.json", "gaps_by_occupation.csv"}
    assert client.get("/api/open-data/packages", {"territory": "MA-01"}).json() == []


def test_the_api_publishes_for_analysts_and_answers_bad_input_with_4xx(client, ready, world):
    url = "/api/open-data/packages"
    assert (
        client.post(url, {"region": "MA-02", "year": 2025}, content_type="application/json").status_code
        == 401
    )
    client.force_login(world["users"]["analyst_oriental"])
    accepted = client.post(url, {"region": "MA-02", "year": 2025}, content_type="application/json")
    job = accepted.json()
    assert (
        accepted.status_code == 202
        and accepted["Location"] == job["url"] == f"/api/open-data/jobs/{job['id']}"
    )
    polled = client.get(job["url"]).json()  # the immediate backend ran it: done, with the package
    assert polled["status"] == "done" and polled["package"]["version"] == 1
    assert polled["package_url"] == "/open-data/MA-02/2025/v1/"
    unknown = client.post(url, {"region": "MA-99", "year": 2025}, content_type="application/json")
    assert unknown.status_code == 400 and "Unknown region" in json.dumps(unknown.json())
    no_year = client.post(url, {"region": "MA-02", "year": 1999}, content_type="application/json")
    assert no_year.status_code == 400 and "1999" in json.dumps(no_year.json())
    assert (
        client.post(url, {"region": "MA-02", "year": "soon"}, content_type="application/json").status_code
        == 422
    )
    assert (
        client.post(url, {"region": "MA-01", "year": 2025}, content_type="application/json").status_code
        == 403
    )
    client.force_login(world["users"]["caseworker_a"])
    assert (
        client.post(url, {"region": "MA-02", "year": 2025}, content_type="application/json").status_code
        == 403
    )
    assert Publication.objects.count() == 1 and Job.objects.filter(kind=publication.PUBLISH_JOB).count() == 1


def test_the_publish_command_writes_and_records_the_package(ready, db, tmp_path):
    out = tmp_path / "package"
    stdout = StringIO()
    call_command(
        "publish", "--region", "MA-02", "--year", "2025", "--out", str(out), stdout=stdout, stderr=StringIO()
    )
    assert "Published MA-02 2025 v1" in stdout.getvalue()
    assert frictionless.validate(str(out / "datapackage.json")).valid
    assert (out / "kafaat-ma-02-2025-v1.xlsx").is_file()
    assert Publication.objects.get().scope_code == "MA-02"
    with pytest.raises(CommandError, match="not overwritten"):  # the folder holds a package already
        call_command(
            "publish",
            "--region",
            "MA-02",
            "--year",
            "2025",
            "--out",
            str(out),
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_the_publish_command_refuses_clearly(
    fake_gaps, open_data_dir, reference_territories, db, settings, tmp_path
):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "none.duckdb"
    args = ["--out", str(tmp_path / "out")]
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    with pytest.raises(CommandError, match="no warehouse snapshot"):
        call_command("publish", "--region", "MA-02", "--year", "2025", *args, **quiet)
    warehouse.refresh()
    with pytest.raises(CommandError, match="Unknown region"):
        call_command("publish", "--region", "XX", "--year", "2025", *args, **quiet)
    with pytest.raises(CommandError, match="No data for 2001"):
        call_command("publish", "--region", "MA-02", "--year", "2001", *args, **quiet)
    assert not Publication.objects.exists()
