"""A person's current stage (intake → assessment → referral → training → certified → placed → followed up):
the furthest their steps reached, computed for a whole page in one query, shown compactly in the people list
and the caseload and named in full on the record, with a text for screen readers, right to left in Arabic."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kafaat.pathways import services
from kafaat.pathways.stages import current_stages
from kafaat.registry import services as registry

ON = date(2026, 2, 2)


@pytest.fixture
def worker(world):
    return world["users"]["caseworker_a"]


def _person(worker, n: int):
    raw = {"first_name_latin": f"Person{n}", "last_name_latin": "Alaoui", "sex": "F", "age": "25",
           "commune": "Oujda", "phone": f"06{n:08d}"}  # fmt: skip
    return registry.register_person(worker, raw, consent_given_on=date(2026, 1, 5))


def _path(worker, person, project, *kinds: str):
    """Steps of these kinds, each answering to the one before where the rules want it."""
    previous = None
    for kind in kinds:
        fields = {
            "enrolment": {"programme": "Couture"},
            "certification": {"credential": "diploma"},
            "placement": {"placement_type": "salaried_job"},
            "follow_up": {"follow_up_months": 3, "still_employed": True},
            "dropout": {"dropout_reason": "family"},
            "referral": {"referral_target": "training"},
        }.get(kind, {})
        parent = previous if kind in ("dropout", "completion", "certification", "follow_up") else None
        previous = services.record_step(worker, person, kind, project=project, on=ON, parent=parent, **fields)


def test_the_stage_is_the_furthest_step_and_a_dropout_says_so(worker, fatima, project):
    people = [_person(worker, n) for n in range(5)]
    _path(worker, people[0], project, "intake")
    _path(worker, people[1], project, "intake", "assessment", "enrolment", "dropout")
    _path(worker, people[2], project, "enrolment", "completion", "certification", "placement", "follow_up")
    _path(worker, people[3], project, "enrolment", "dropout", "enrolment")  # dropped out, then back in
    stages = current_stages(person.pk for person in people)
    assert stages[people[0].pk].code == "intake" and stages[people[0].pk].number == 1
    assert (stages[people[1].pk].code, stages[people[1].pk].dropped_out) == ("training", True)
    assert (stages[people[2].pk].code, stages[people[2].pk].number) == ("followed_up", 7)
    assert (stages[people[3].pk].code, stages[people[3].pk].dropped_out) == ("training", False)
    assert people[4].pk not in stages  # no step yet
    assert current_stages([]) == {}


def test_the_people_list_computes_the_stages_in_one_query_whatever_the_rows(client, worker, project):
    client.force_login(worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("registry:search")).status_code == 200
        return len(captured)

    for n in range(2):
        _path(worker, _person(worker, n), project, "intake", "assessment")
    few = queries()
    for n in range(2, 12):
        _path(worker, _person(worker, n), project, "intake", "enrolment")
    assert queries() == few
    page = client.get(reverse("registry:search")).content.decode()
    assert page.count('data-stage="training"') == 10 and page.count('data-stage="assessment"') == 2
    assert 'role="img" aria-label="Stage 4 of 7: Training"' in page


def test_the_record_names_every_stage_and_marks_the_current_one_in_arabic(client, worker, fatima, project):
    _path(worker, fatima, project, "intake", "enrolment", "completion", "certification")
    client.force_login(worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(reverse("registry:detail", args=[fatima.pk])).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    stages = page.split('<div id="stage">')[1].split("</ol>")[0]
    assert '<ol class="stages" aria-label="مراحل المسار">' in stages
    assert '<li class="done" aria-current="step">الإشهاد</li>' in stages
    assert stages.count('class="done"') == 5 and "التتبع" in stages
    caseload = client.get(reverse("pathways:caseload")).content.decode()
    assert 'aria-label="المرحلة 5 من 7: الإشهاد"' in caseload


def test_a_person_without_a_step_says_so(client, worker, fatima):
    client.force_login(worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("registry:search")).content.decode()
    assert '<span class="muted stage-none">Aucune étape encore</span>' in page
