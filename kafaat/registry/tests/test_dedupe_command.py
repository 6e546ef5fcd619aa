"""`python -m kafaat dedupe` ends cleanly on any registry: empty, without duplicates, demo-like (issue 11)."""

import random
from datetime import date
from io import StringIO

from django.core.management import call_command

from kafaat.registry import services
from kafaat.registry.models import LinkageRun
from kafaat.synth.demo import SEED, person_fields
from kafaat.synth.people import generate_people


def _dedupe() -> str:
    out = StringIO()
    call_command("dedupe", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_empty_registry(db):
    output = _dedupe()
    assert "0 records, 0 pairs to review" in output and "nothing to review" in output
    assert LinkageRun.objects.get().status == LinkageRun.Status.DONE


PEOPLE = [
    ("Salma", "Bennani", "F", "2001-03-04", "COM_0610"),
    ("Youssef", "Alaoui", "M", "1998-11-20", "COM_0420"),
    ("Khadija", "Tazi", "F", "2003-07-15", "COM_0610"),
    ("Omar", "Chraibi", "M", "1995-01-30", "COM_0420"),
]


def test_a_registry_without_duplicates(world):
    for first, last, sex, born, commune in PEOPLE:
        services.register_person(
            world["users"]["caseworker_a"],
            {"first_name_latin": first, "last_name_latin": last, "sex": sex, "birth_date": born,
             "commune": commune},
            consent_given_on="2026-01-05",
        )  # fmt: skip
    output = _dedupe()
    assert "4 records, 0 pairs to review" in output and "nothing to review" in output
    assert LinkageRun.objects.get().status == LinkageRun.Status.DONE


def test_demo_like_people_without_an_exact_pair(world):
    """The shipped demo's people (its generator and its typing of them), none entered twice: no two records
    share a name and birth date, an id or a phone, so Splink estimated a prior of 0 ("math domain error")."""
    rng = random.Random(SEED)
    rows = next(
        generate_people(150, SEED, chunk_size=150, female_share=0.55, reference_date=date(2025, 6, 1))
    )
    for row in rows.to_pylist():
        services.register_person(
            world["users"]["caseworker_a"], person_fields(row, rng), consent_given_on=date(2026, 1, 5)
        )
    output = _dedupe()
    run = LinkageRun.objects.get()
    assert run.status == LinkageRun.Status.DONE and run.records == 150
    assert f"150 records, {run.pairs} pairs to review" in output
    assert run.pairs <= 2  # unrelated people: at most a chance namesake or two to review
