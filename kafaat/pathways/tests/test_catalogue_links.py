"""A step's programme and employer: suggested from the training catalogue and the employers' registry, linked
when the text names one record of them, kept as written and marked "to be matched" otherwise — by the page,
the API and the import alike (docs/decisions/0022-nationality-and-catalogue-links.md)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.utils import translation

from kafaat.core.models import Role
from kafaat.labour.models import Employer
from kafaat.labour.services import employer_key, employer_label
from kafaat.pathways import services
from kafaat.pathways.catalogues import Catalogues, suggestions
from kafaat.pathways.models import Step
from kafaat.registry.services import register_person
from kafaat.registry.tests.test_import_people import write_csv
from kafaat.registry.tests.test_import_steps import HEADER, import_steps
from kafaat.training import derivation
from kafaat.training.models import Programme
from kafaat.training.services import programme_label

ON = date(2026, 2, 2)


@pytest.fixture
def worker(world):
    return world["users"]["caseworker_a"]


@pytest.fixture
def atlas(supply, world, territory):
    """An employer in Oujda entered by NGO A, and one of the same name in Tanger entered by NGO B."""
    made = {}
    for key, organisation, code in (
        ("oujda", world["ngo_a"], "02.411"),
        ("tanger", world["ngo_b"], "01.511"),
    ):
        made[key] = Employer.objects.create(
            organisation=organisation, name="Atlas Textiles SARL",
            name_key=employer_key("Atlas Textiles SARL"), territory=territory(code),
        )  # fmt: skip
    return made


def _enrol(worker, person, project, programme, **kwargs):
    return services.record_step(
        worker, person, "enrolment", project=project, on=ON, programme=programme, **kwargs
    )


# --- Finding ------------------------------------------------------------------------------------------------


def test_a_programme_is_linked_by_its_label_in_any_language_its_title_or_its_code(
    worker, fatima, project, supply
):
    electricity = supply["electricity"]
    with translation.override("ar"):
        arabic = programme_label(electricity)
    assert arabic == "كهرباء البناء — المعهد المتخصص للتكنولوجيا التطبيقية الناظور"
    with translation.override("fr"):
        french = programme_label(electricity)
    assert french == "Électricité du bâtiment — ISTA Nador"
    finder = Catalogues(worker).programmes
    for text in (
        arabic,
        french,
        "électricité du bâtiment",
        "q-eb",
        "  Électricité   du bâtiment — ista nador ",
    ):
        assert finder.find(text) == electricity, text
    assert finder.find("Couture") is None and finder.find("") is None
    step = _enrol(worker, fatima, project, arabic)
    assert step.training_programme == electricity and step.programme == arabic
    assert not step.programme_to_match


def test_an_unknown_or_ambiguous_programme_stays_free_text_to_be_matched(worker, fatima, project, supply):
    step = _enrol(worker, fatima, project, "Couture traditionnelle")
    assert step.training_programme is None and step.programme_to_match
    # The same title in two establishments: named without its establishment, it is not guessed.
    Programme.objects.create(
        establishment=supply["tanger"], code="Q-EB", title_fr="Électricité du bâtiment",
        sector=supply["sectors"]["electrical"], level="qualification", duration_months=24,
    )  # fmt: skip
    finder = Catalogues(worker).programmes
    assert finder.find("Électricité du bâtiment") is None
    assert finder.find("Q-EB") is None
    assert finder.find("Électricité du bâtiment — ITA Tanger").establishment == supply["tanger"]


def test_a_programme_out_of_the_users_scope_or_closed_is_not_linked(
    worker, fatima, project, supply, make_member, world
):
    tanger_worker = make_member("caseworker_tanger", world["ngo_b"], Role.CASE_WORKER, scope="MA-01")
    assert Catalogues(tanger_worker).programmes.find("Électricité du bâtiment — ISTA Nador") is None
    assert Catalogues(tanger_worker).programmes.find("Technicien en irrigation") == supply["irrigation"]
    Programme.objects.filter(pk=supply["electricity"].pk).update(is_active=False)
    assert Catalogues(worker).programmes.find("Électricité du bâtiment — ISTA Nador") is None


def test_an_employer_is_linked_by_its_label_and_the_users_own_record_is_preferred(
    worker, world, atlas, territory
):
    finder = Catalogues(worker, world["ngo_a"]).employers
    oujda = employer_label(atlas["oujda"])
    assert finder.find(oujda) == atlas["oujda"]
    assert finder.find("ATLAS TEXTILES — " + atlas["tanger"].territory.name_fr) == atlas["tanger"]
    assert finder.find("Atlas Textiles") is None  # two places: not guessed
    assert finder.find("Unknown Ltd") is None
    # The same employer in the same place, entered by NGO B too: NGO A's own record is taken.
    twin = Employer.objects.create(
        organisation=world["ngo_b"], name="Atlas Textiles", name_key=employer_key("Atlas Textiles"),
        territory=atlas["oujda"].territory,
    )  # fmt: skip
    assert Catalogues(worker, world["ngo_a"]).employers.find(oujda) == atlas["oujda"]
    assert Catalogues(worker, world["ngo_b"]).employers.find(oujda) == twin


def test_a_placement_links_its_employer_or_keeps_the_text(worker, fatima, project, world, atlas):
    services.record_step(worker, fatima, "intake", project=project, on=ON)
    linked = services.record_step(
        worker, fatima, "placement", project=project, on=ON, placement_type="salaried_job",
        employer_name=employer_label(atlas["oujda"]),
    )  # fmt: skip
    assert linked.employer == atlas["oujda"] and not linked.employer_to_match
    free = services.record_step(
        worker, fatima, "placement", project=project, on=ON, placement_type="salaried_job",
        employer_name="Boulangerie du coin",
    )  # fmt: skip
    assert free.employer is None and free.employer_to_match


# --- Suggestions --------------------------------------------------------------------------------------------


def test_suggestions_come_from_the_catalogue_and_the_registry_in_the_page_language(worker, supply, atlas):
    with translation.override("ar"):
        assert suggestions(worker, "programme", "كهرباء") == [
            "كهرباء البناء — المعهد المتخصص للتكنولوجيا التطبيقية الناظور"
        ]
    with translation.override("fr"):
        assert suggestions(worker, "programme", "nador gestion") == ["Gestion des entreprises — ISTA Nador"]
        assert len(suggestions(worker, "programme")) == 3
        assert suggestions(worker, "employer_name", "atlas") == sorted(
            employer_label(employer) for employer in atlas.values()
        )


def test_the_suggestion_endpoint_answers_options_and_refuses_others(client, world, supply):
    client.force_login(world["users"]["caseworker_a"])
    response = client.get("/steps/suggest/programme/", {"programme": "irrigation"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert (
        response.content.decode().strip() == '<option value="Technicien en irrigation — ITA Tanger"></option>'
    )
    assert client.get("/steps/suggest/outcome/").status_code == 404
    assert client.get("/steps/suggest/programme/", {"programme": "x" * 5000}).status_code == 200
    client.force_login(world["users"]["analyst_oriental"])  # reads aggregates only: records no step
    assert client.get("/steps/suggest/programme/").status_code == 403


# --- Pages, API, import -------------------------------------------------------------------------------------


def test_the_step_form_suggests_and_the_timeline_marks_what_is_to_be_matched(
    client, worker, fatima, project, supply
):
    client.force_login(worker)
    page = client.get(f"/people/{fatima.pk}/steps/new/", {"kind": "enrolment"}).content.decode()
    assert 'list="programme-options"' in page and 'hx-get="/steps/suggest/programme/"' in page
    assert (
        '<datalist id="programme-options"><option value="Électricité du bâtiment — ISTA Nador"></option>'
        in page
    )
    assert "marqué « à rapprocher »" in page
    form = {"kind": "enrolment", "project": project.pk, "date": ON.isoformat()}
    client.post(
        f"/people/{fatima.pk}/steps/new/", {**form, "programme": "Électricité du bâtiment — ISTA Nador"}
    )
    client.post(f"/people/{fatima.pk}/steps/new/", {**form, "programme": "Couture"})
    linked, free = Step.objects.filter(kind="enrolment").order_by("pk")
    assert linked.training_programme == supply["electricity"] and free.programme_to_match
    page = client.get(f"/people/{fatima.pk}/").content.decode()
    assert page.count('data-to-match="programme"') == 1
    assert "programme à rapprocher du catalogue" in page


def test_the_api_links_or_flags_and_says_which(client, worker, fatima, project, supply, atlas):
    client.force_login(worker)

    def post(**fields):
        body = {"project": project.code, "date": ON.isoformat(), **fields}
        return client.post(
            f"/api/people/{fatima.pk}/steps", json.dumps(body), content_type="application/json"
        )

    linked = post(kind="enrolment", programme="Technicien en irrigation — ITA Tanger").json()
    assert (
        linked["training_programme_id"] == supply["irrigation"].pk and linked["programme_to_match"] is False
    )
    free = post(kind="enrolment", programme="Pâtisserie").json()
    assert free["training_programme_id"] is None and free["programme_to_match"] is True
    placed = post(kind="placement", placement_type="internship", employer_name="Inconnu SA").json()
    assert placed["employer_id"] is None and placed["employer_to_match"] is True
    assert post(kind="enrolment", programme="x" * 201).status_code == 422
    steps = client.get(f"/api/people/{fatima.pk}/steps").json()
    assert [step["programme_to_match"] for step in steps if step["kind"] == "enrolment"] == [False, True]


def test_the_import_links_the_programmes_it_names_and_flags_the_others(world, project, supply, tmp_path):
    admin = world["users"]["admin_a"]
    for external_id in ("P-1", "P-2"):
        raw = {"external_id": external_id, "first_name_latin": "Amina", "last_name_latin": external_id,
               "sex": "F", "birth_date": "2001-03-12", "commune": "Oujda"}  # fmt: skip
        register_person(admin, raw, organisation=world["ngo_a"], consent_given_on=date(2025, 1, 1))
    rows = [
        ["S-1", "P-1", "enrolment", "06/01/2025", "", "Gestion des entreprises — ISTA Nador", ""],
        ["S-2", "P-2", "enrolment", "06/01/2025", "", "Gestion des entreprises — ISTA Nador", ""],
        ["S-3", "P-2", "enrolment", "07/01/2025", "", "Soudure artisanale", ""],
    ]
    result = import_steps(world, write_csv(tmp_path / "steps.csv", HEADER, rows), project)
    assert (result.errors, result.imported) == ([], 3)
    assert Step.objects.filter(training_programme=supply["management"]).count() == 2
    assert Step.objects.get(external_id="S-3").programme_to_match


def test_the_supply_derivation_counts_a_linked_enrolment_under_its_programme(worker, fatima, project, supply):
    # NGO A runs no establishment: its text alone would match nothing (ADR 0008); the link counts it.
    _enrol(worker, fatima, project, "Électricité du bâtiment — ISTA Nador")
    figures, report = derivation.compute(today=date(2026, 3, 1))
    assert report.enrolments_matched == 1 and report.enrolments_unmatched == 0
    assert any(key[0] == supply["electricity"].pk for key in figures)
