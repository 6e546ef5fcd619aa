"""The observatory API: exact figures for managers, suppressed ones for analysts and donors, scope, and 4xx
with a message on bad parameters or before the first snapshot."""

import pytest

from kafaat.observatory import warehouse
from kafaat.observatory.tests.gap_fixture import build_gap_world


@pytest.fixture
def gap_world(make_organisation, territory, world):
    build_gap_world(make_organisation, territory)
    warehouse.refresh()
    return world


def _as(client, world, name):
    client.force_login(world["users"][name])
    return client


@pytest.mark.django_db
def test_managers_read_exact_figures(client, gap_world):
    body = _as(client, gap_world, "manager").get("/api/observatory/gaps?year=2025").json()
    assert body["suppressed"] is False and body["uncoded_vacancies"] == 7
    rows = {(r["territory_code"], r["group_code"]): r for r in body["rows"]}
    assert rows[("MA-02", "74")]["graduates"] == 50 and rows[("MA-02", "74")]["hires"] == 2
    assert rows[("MA-02", "74")]["suppressed"] == []
    assert client.get("/api/observatory/years").json() == [2024, 2025]


@pytest.mark.django_db
def test_aggregate_only_readers_get_the_suppressed_table_of_their_region(client, gap_world):
    client = _as(client, gap_world, "analyst_oriental")
    body = client.get("/api/observatory/gaps?year=2025&level=province&region=MA-02").json()
    assert body["suppressed"] is True
    rows = {(r["territory_code"], r["group_code"]): r for r in body["rows"]}
    assert rows[("02.411", "74")]["hires"] is None and "hires" in rows[("02.411", "74")]["suppressed"]
    assert rows[("02.411", "74")]["graduates"] == 40
    assert client.get("/api/observatory/gaps?year=2025&region=MA-01").status_code == 403
    assert client.get("/api/observatory/gaps?year=2025").status_code == 403  # the country is out of scope
    donor = _as(client, gap_world, "donor").get("/api/observatory/gaps?year=2025&dimension=sector").json()
    assert donor["suppressed"] is True and len(donor["rows"]) == 3


@pytest.mark.django_db
def test_bad_parameters_answer_4xx_with_a_message(client, gap_world):
    client = _as(client, gap_world, "manager")
    unknown = client.get("/api/observatory/gaps?year=2025&region=MA-99")
    assert unknown.status_code == 400 and "MA-99" in unknown.json()["detail"]
    empty = client.get("/api/observatory/gaps?year=2019")
    assert empty.status_code == 400 and "2019" in empty.json()["detail"]
    assert client.get("/api/observatory/gaps?year=2025&level=commune").status_code == 422
    assert client.get("/api/observatory/gaps").status_code == 422
    bad_group = client.get("/api/observatory/projection?territory=MA-02&group=7")
    assert bad_group.status_code == 400 and "7" in bad_group.json()["detail"]
    assert client.get("/api/observatory/projection?territory=MA-77&group=74").status_code == 400
    for name in ("caseworker_a", "establishment", "nobody"):
        assert _as(client, gap_world, name).get("/api/observatory/gaps?year=2025").status_code == 403
    client.logout()
    assert client.get("/api/observatory/gaps?year=2025").status_code == 401


@pytest.mark.django_db
def test_projection_of_a_cell(client, gap_world):
    client = _as(client, gap_world, "manager")
    rows = client.get("/api/observatory/projection?territory=MA-02&group=74&horizon=2").json()
    assert [(r["year"], r["observed"]) for r in rows] == [
        (2024, True),
        (2025, True),
        (2026, False),
        (2027, False),
    ]
    assert rows[2]["demand"] == pytest.approx(13.0) and "intentions" in rows[2]["method"]


@pytest.mark.django_db
def test_no_snapshot_yet_is_409(client, world):
    client = _as(client, world, "manager")
    response = client.get("/api/observatory/gaps?year=2025")
    assert response.status_code == 409 and response.json()["detail"]
    assert client.get("/api/observatory/years").status_code == 409
