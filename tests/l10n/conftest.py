"""The demo site, loaded once for the module: the data every page of the language check is rendered with."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

LANGUAGES = ("fr", "ar", "en")
REVIEWER = "caseworker.oujda"  # the demo log-in whose extra pages (duplicates, import reports) are seeded


def _extras() -> dict[str, list[str]]:
    """What the demo lacks and a page shows: possible duplicates with what agreed, import reports with row
    errors (phone, status, document: one report in each language, as the import wrote it), and the
    registration form's matches panel for a name already registered. Returns the pages to visit."""
    from django.contrib.auth import get_user_model

    from kafaat.core.models import ImportJob, Organisation
    from kafaat.registry.models import MatchCandidate, Person
    from kafaat.registry.validation import clean_person, territory_index

    user = get_user_model().objects.get(username=REVIEWER)
    organisation = Organisation.objects.get(code="amal-oujda")
    people = list(Person.objects.filter(registered_by=organisation).order_by("pk")[:6])
    agreed = [
        "first name: same",
        "last name: same",
        "birth date: day/month swapped",
        "phone: same (same family name)",
    ]
    for a, b in zip(people[::2], people[1::2], strict=True):
        MatchCandidate.objects.create(person_a=a, person_b=b, probability=0.93, agreed=agreed)
    bad = {"first_name_latin": "Salma", "sex": "X", "commune": "Nulle-part", "phone": "06 12", "consent": "",
           "id_type": "cin", "id_number": "12-AB", "migration_status": "touriste",
           "education_level": "?"}  # fmt: skip
    seeds: dict[str, list[str]] = {}
    index = territory_index()
    for language in LANGUAGES:
        with translation.override(language):
            errors = clean_person(bad, index).errors
        job = ImportJob.objects.create(
            user=user, organisation=organisation, kind="people", file_name=f"beneficiaires-{language}.xlsx",
            language=language, status=ImportJob.Status.REJECTED, rows_read=1, rejected=1,
            error_count=len(errors), errors=[[2, column, message] for column, message in errors.items()],
        )  # fmt: skip
        seeds[language] = [reverse("registry:import_job", args=[job.pk])]
    known = people[0]
    panel = (
        reverse("registry:likely_matches")
        + "?"
        + urlencode(
            {
                "first_name_latin": known.first_name_latin,
                "last_name_latin": known.last_name_latin,
                "sex": known.sex,
            }
        )
    )
    for language in LANGUAGES:
        seeds[language] += [panel, reverse("registry:review")]
    return seeds


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (organisations, the ten log-ins, ~3,000 people with pathways, each app's data), its warehouse
    snapshot and `_extras`, inside a transaction rolled back at the end (the tests nest in it). Yields the
    extra pages to visit as REVIEWER, by language."""
    from kafaat.observatory import snapshot, warehouse
    from kafaat.synth.demo import load_demo

    folder = tmp_path_factory.mktemp("site")
    with (
        override_settings(
            KAFAAT_WAREHOUSE_PATH=folder / "warehouse.duckdb",
            KAFAAT_OPEN_DATA_DIR=folder / "open-data",
            KAFAAT_MAP_CACHE=folder / "maps",
            KAFAAT_DASHBOARD_PREWARM=False,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            warehouse.refresh()
            yield _extras()
        finally:
            snapshot.close_all()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
