"""Issue 14, "Words", on the labour pages: ISCO-08 labels in French from ESCO (every group), in Arabic where
Kafaat has one and otherwise the French label declared as French; counts in Arabic whatever the number."""

from __future__ import annotations

import csv
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kafaat.labour.models import Occupation
from kafaat.labour.reference import DATA

ENGLISH = re.compile(r"\b(?:and|workers|mechanics|clerks|repairers)\b")


def test_every_isco_group_has_its_esco_french_label():
    rows = list(csv.DictReader((DATA / "isco08.csv").open(encoding="utf-8")))
    assert len(rows) == 619 and all(row["label_fr"] for row in rows)
    by_code = {row["code"]: row for row in rows}
    assert by_code["7231"]["label_fr"] == "Mécaniciens et réparateurs de véhicules à moteur"
    assert by_code["72"]["label_ar"]  # the major and sub-major groups: written for Kafaat in Arabic


@pytest.mark.django_db
def test_an_occupation_reads_in_french_and_falls_back_to_french_in_arabic(labour):
    occupation = Occupation.objects.get(code="7231")
    with translation.override("fr"):
        assert occupation.label == "Mécaniciens et réparateurs de véhicules à moteur"
    with translation.override("ar"):
        assert occupation.label == "Mécaniciens et réparateurs de véhicules à moteur"  # no Arabic label
        assert Occupation.objects.get(code="72").label == Occupation.objects.get(code="72").label_ar
    with translation.override("en"):
        assert occupation.label == "Motor vehicle mechanics and repairers"


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.django_db
def test_the_vacancy_list_shows_no_english_occupation(client, labour, language):
    sewing = labour["sewing"]
    sewing.occupation = Occupation.objects.get(code="7531")  # tailors, dressmakers…
    sewing.save()
    client.force_login(labour["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        page = client.get(reverse("labour:vacancies")).content.decode()
    label = Occupation.objects.get(code="7531").label_fr
    assert label in page and not ENGLISH.search(page.split("<main", 1)[1])
    if language == "ar":  # the French label, declared so: readers, screen readers and checks know
        assert f'<span lang="fr" dir="ltr">{label}</span>' in page
    else:
        assert f'<span lang="fr" dir="ltr">{label}</span>' not in page


@pytest.mark.django_db
def test_the_vacancy_count_is_arabic(client, labour):
    client.force_login(labour["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(reverse("labour:vacancies")).content.decode()
    count = re.search(r'<p class="muted">([^<]*)</p>', page).group(1)
    assert "offre" not in count and re.search("[\u0600-\u06ff]", count), count
