"""Survey aggregation: positions by ISCO sub-major group, ISIC section and province, within reach."""

import pytest
from django.core.exceptions import ValidationError

from kafaat.labour import survey_services as surveys
from kafaat.labour.models import Survey
from kafaat.labour.tests.conftest import POSTED


@pytest.fixture
def survey(labour):
    return Survey.objects.create(
        organisation=labour["agency"], code="nord-est", title="Nord et Oriental",
        territory=labour["oujda"].parent, opens_on=POSTED,
    )  # fmt: skip


def test_results_add_up_by_group_and_stay_within_the_readers_territory(labour, survey):
    a, b = labour["users"]["caseworker_a"], labour["users"]["caseworker_b"]
    surveys.record_response(
        a, survey, labour["textile"], answered_on=POSTED, hiring_intention="yes", planned_hires=25,
        needs=[surveys.NeedIn("Couturière", "8153", 20, "surjet", True, ["skills", "few_applicants"]),
               surveys.NeedIn("Mécanicien", "7233", 2, "", True, ["skills"]),
               surveys.NeedIn("Brodeuse", "7533", 3)],
    )  # fmt: skip
    surveys.record_response(
        b, survey, labour["auto"], answered_on=POSTED, hiring_intention="yes", planned_hires=40,
        needs=[surveys.NeedIn("Câbleuse", "8212", 40, "", True, ["wages"])],
    )  # fmt: skip
    national = surveys.results(labour["users"]["superuser"], survey)
    assert (national.responses, national.will_hire, national.planned_hires) == (2, 2, 65)
    occupation = {row.key: (row.employers, row.positions, row.hard_to_fill) for row in national.by_occupation}
    assert occupation == {"81": (1, 20, 20), "72": (1, 2, 2), "75": (1, 3, 0), "82": (1, 40, 40)}
    assert {row.key: row.positions for row in national.by_sector} == {"C": 65}
    assert {row.key: row.positions for row in national.by_territory} == {"02.411": 25, "01.511": 40}
    assert dict(national.reasons) == {"Applicants lack the skills": 2, "Too few applicants": 1,
                                      "Wages offered judged too low": 1}  # fmt: skip
    oriental = surveys.results(labour["users"]["analyst_oriental"], survey)
    assert oriental.responses == 1 and {row.key for row in oriental.by_territory} == {"02.411"}
    assert surveys.results(labour["users"]["donor"], survey).responses == 0


def test_a_response_is_checked_whole(labour, survey):
    user = labour["users"]["caseworker_a"]
    with pytest.raises(ValidationError) as raised:
        surveys.record_response(
            user,
            survey,
            labour["textile"],
            answered_on=POSTED,
            hiring_intention="no",
            planned_hires=3,
        )
    assert "planned_hires" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        surveys.record_response(
            user, survey, labour["textile"], answered_on=POSTED, hiring_intention="yes",
            needs=[surveys.NeedIn("X", "12"), surveys.NeedIn("Y", "8153", reasons=["skills"])],
        )  # fmt: skip
    assert set(raised.value.message_dict) == {"needs.1.occupation", "needs.2.reasons"}
    assert not survey.responses.exists()
