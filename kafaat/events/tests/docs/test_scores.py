"""Knowledge scores and the satisfaction survey: entry all or nothing, scores out of range refused, gains,
anonymous answers with no link, summaries suppressed below 5 answers for aggregate-only readers."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kafaat.core.models import AuditEvent
from kafaat.events.models import KnowledgeScore, SurveyResponse
from kafaat.events.outcomes import scores

pytestmark = pytest.mark.django_db


def _enter(world, values):
    regs = world["registrations"]
    entries = {regs[name].pk: {"pre": pre, "post": post} for name, (pre, post) in values.items()}
    return scores.save_scores(world["users"]["manager"], world["event"], entries)


def test_gain_per_person_and_per_event(event_world):
    _enter(event_world, {"Alaoui": ("40", "70"), "Idrissi": ("55,5", "80"), "Bennani": ("60", ""),
                         "Tazi": (30, 45)})  # fmt: skip
    people = scores.scores_of(event_world["event"])
    assert people[event_world["registrations"]["Alaoui"].pk].gain == Decimal("30")
    assert people[event_world["registrations"]["Bennani"].pk].gain is None  # no post-test
    summary = scores.knowledge_summary(event_world["event"], suppress=False)
    assert summary.n == 3  # those with both scores
    assert summary.averages["gain"] == pytest.approx((30 + 24.5 + 15) / 3)


@pytest.mark.parametrize("bad", ["101", "-1", "abc", "1e400", "NaN", "Infinity", "50.5.5"])
def test_scores_out_of_range_save_nothing(event_world, bad):
    with pytest.raises(ValidationError) as error:
        _enter(event_world, {"Alaoui": ("40", "70"), "Idrissi": (bad, "80")})
    key = f"{event_world['registrations']['Idrissi'].pk}-pre"
    assert key in error.value.message_dict
    assert not KnowledgeScore.objects.exists()  # the good row was not saved either


def test_a_registration_of_another_event_is_refused(event_world, module_world):
    other = module_world["trainers"]["Saidi"].pk
    with pytest.raises(ValidationError):
        scores.save_scores(event_world["users"]["manager"], event_world["event"], {other: {"pre": "50"}})


def test_an_empty_score_removes_it_and_changes_are_audited(event_world):
    _enter(event_world, {"Alaoui": ("40", "70")})
    _enter(event_world, {"Alaoui": ("40", "")})
    assert list(KnowledgeScore.objects.values_list("phase", flat=True)) == ["pre"]
    assert AuditEvent.objects.filter(action="update", target_type="events.knowledgescore").count() == 2


def test_wrong_role_may_not_enter_scores(event_world):
    for persona in ("caseworker_b", "donor", "analyst_oriental"):
        with pytest.raises(PermissionDenied):
            scores.save_scores(event_world["users"][persona], event_world["event"], {})


def test_an_anonymous_answer_keeps_no_link(event_world):
    manager = event_world["users"]["manager"]
    response = scores.record_survey(manager, event_world["event"], {"overall": "4", "comment": "Très utile"})
    response.refresh_from_db()
    assert response.registration_id is None
    event = AuditEvent.objects.get(action="create", target_type="events.event")
    assert set(event.details) == {"survey_response"}  # the answer, never a registrant
    assert not SurveyResponse.objects.filter(registration__isnull=False).exists()


def test_a_named_answer_given_again_replaces_the_first(event_world):
    manager, registration = event_world["users"]["manager"], event_world["registrations"]["Alaoui"]
    scores.record_survey(manager, event_world["event"], {"overall": 2}, registration=registration)
    scores.record_survey(manager, event_world["event"], {"overall": 5}, registration=registration)
    assert list(SurveyResponse.objects.values_list("overall", flat=True)) == [5]


@pytest.mark.parametrize("values", [{}, {"overall": "6"}, {"overall": "0"}, {"overall": "3", "content": "x"},
                                    {"overall": "3", "comment": "x" * 2001}])  # fmt: skip
def test_bad_survey_answers_are_refused(event_world, values):
    with pytest.raises(ValidationError):
        scores.record_survey(event_world["users"]["manager"], event_world["event"], values)
    assert not SurveyResponse.objects.exists()


def test_summary_is_suppressed_below_five_answers_for_aggregate_readers(event_world):
    manager, event = event_world["users"]["manager"], event_world["event"]
    for overall in (4, 5, 3, 4):
        scores.record_survey(manager, event, {"overall": overall})
    _, survey = scores.summaries_for(event_world["users"]["donor"], event)
    assert survey.n is None and survey.suppressed and survey.averages["overall"] is None
    _, survey = scores.summaries_for(manager, event)  # the organiser sees the participants anyway
    assert survey.n == 4 and survey.averages["overall"] == 4
    scores.record_survey(manager, event, {"overall": 5})
    _, survey = scores.summaries_for(event_world["users"]["donor"], event)
    assert survey.n == 5 and survey.averages["overall"] == pytest.approx(4.2)
    # Small cells of the distribution are hidden, with a second one so the total does not give them away.
    hidden = [level for level, count in survey.distribution.items() if count is None]
    assert "3" in hidden and len(hidden) >= 2


def test_knowledge_summary_suppressed_for_the_donor(event_world):
    _enter(event_world, {"Alaoui": ("40", "70"), "Idrissi": ("55", "80")})
    knowledge, _ = scores.summaries_for(event_world["users"]["donor"], event_world["event"])
    assert knowledge.n is None and knowledge.averages["gain"] is None
