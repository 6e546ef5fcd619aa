"""A person's names lose their bidirectional controls on every path in: the form, the API and an import."""

from __future__ import annotations

import csv
import json

from django.urls import reverse
from django.utils import timezone, translation

from kafaat.core.imports import run as importing
from kafaat.registry.imports import PeopleImport
from kafaat.registry.models import Person
from kafaat.registry.tests.test_pages import form_data

RLO, PDF, LRI, PDI, RLM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"


def test_the_registration_form_stores_names_without_controls_and_keeps_the_arabic_marks(client, world):
    client.force_login(world["users"]["caseworker_a"])
    data = form_data(first_name_latin=f"{RLO}Fatima{PDF}", last_name_ar=f"{LRI}بنعلي{RLM}{PDI}")
    assert client.post(reverse("registry:register"), data).status_code == 302
    person = Person.objects.get()
    assert (person.first_name_latin, person.last_name_ar) == ("Fatima", f"بنعلي{RLM}")


def test_a_name_made_of_controls_alone_is_no_name(client, world):
    client.force_login(world["users"]["caseworker_a"])
    names = {"first_name_ar": "", "last_name_ar": "", "first_name_latin": RLO, "last_name_latin": LRI + PDI}
    response = client.post(reverse("registry:register"), form_data(**names))
    assert response.status_code == 200 and not Person.objects.exists()


def test_the_api_stores_names_without_controls(client, world):
    client.force_login(world["users"]["caseworker_a"])
    body = {
        "first_name_latin": f"Y{RLO}oussef",
        "last_name_latin": f"{LRI}Benali{PDI}",
        "sex": "M",
        "birth_date": "2000-07-01",
        "commune": "COM_0551",
        "consent_given_on": timezone.localdate().isoformat(),
    }
    response = client.post("/api/people", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["first_name_latin"], response.json()["last_name_latin"]) == ("Youssef", "Benali")
    person = Person.objects.get()
    assert (person.first_name_latin, person.last_name_latin) == ("Youssef", "Benali")


def test_an_import_stores_names_without_controls(world, tmp_path):
    path = tmp_path / "people.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["N°", "Nom", "Prénom", "Sexe", "Date de naissance", "Commune", "Consentement"])
        writer.writerow(
            ["B-1", f"{RLO}ilaoulA", f"Am{LRI}ina{PDI}", "F", "01/01/1999", "Oujda", "05/01/2025"]
        )
    with translation.override("en"):
        spec = PeopleImport(world["users"]["admin_a"], world["ngo_a"], language="en", file_name=path.name)
        result = importing.run_import(spec, path)
    assert result.imported == 1, result.errors
    person = Person.objects.get(external_id="B-1")
    assert (person.last_name_latin, person.first_name_latin) == ("ilaoulA", "Amina")
