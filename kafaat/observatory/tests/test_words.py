"""Issue 14, "Words", on the warehouse page: the refresh's stage and the snapshot's tables in the reader's
language, never the program's names ("pseudonymising", "gap_cells")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from kafaat.observatory import warehouse
from kafaat.observatory.models import INTERRUPTED, Snapshot, describe_rows

KEYS = re.compile(r"\b(?:gap_cells|disclosure_patterns|pseudonymising|journeys|hires)\b")


@pytest.mark.parametrize(
    ("language", "stage", "people"),
    [("fr", "attribution des pseudonymes", "personnes"), ("ar", "إسناد أسماء مستعارة للأشخاص", "الأشخاص")],
)
def test_stages_and_tables_are_named_in_the_readers_language(language, stage, people):
    with translation.override(language):
        assert Snapshot(stage="pseudonymising").stage_label == stage
        assert describe_rows({"people": 3, "gap_cells": 2})[0] == (people, 3)
        assert "gap" not in describe_rows({"gap_cells": 2})[0][0]
        assert Snapshot(message=INTERRUPTED).failure != INTERRUPTED


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.django_db
def test_the_warehouse_page_names_no_table_as_the_program_does(client, world, settings, tmp_path, language):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    warehouse.refresh()
    Snapshot.objects.create(status=Snapshot.Status.RUNNING, stage="pseudonymising", percent=40)
    client.force_login(world["users"]["superuser"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("observatory:warehouse")).content.decode()
    main = page.split("<main", 1)[1]
    assert not KEYS.search(main), KEYS.findall(main)
    with translation.override(language):
        assert Snapshot(stage="pseudonymising").stage_label in main
