"""The demo data: counts, idempotence, regions, realistic people, pathways under the rules, who sees whom."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from kafaat.core.models import AuditEvent, Organisation, Project
from kafaat.pathways import services as pathways
from kafaat.pathways.models import Participation, Step, StepStatus
from kafaat.registry import services as registry
from kafaat.registry.models import Consent, Person, PersonAccess
from kafaat.synth.demo import DEMO_ORGANISATIONS, PROJECT_CODE, REGISTRARS, load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, inside a transaction rolled back at the end (tests nest in it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def users(demo, db):
    return {user.username: user for user in get_user_model().objects.all()}


def test_counts_of_a_first_load(demo, db):
    assert demo["organisations"] == len(DEMO_ORGANISATIONS) and demo["projects"] == 1
    assert demo["people"] == 3_000 == Person.objects.filter(external_id__startswith="DEMO-").count()
    assert demo["steps"] == Step.objects.count() > 10_000
    project = Project.objects.get(code=PROJECT_CODE)
    assert project.donor.code == "ue-maroc" and project.participants.count() == len(DEMO_ORGANISATIONS)
    assert set(project.territories.values_list("code", flat=True)) == {"MA-01", "MA-02", "MA-04", "MA-05"}
    assert Participation.objects.filter(project=project).count() == 3_000
    assert Consent.objects.filter(purpose="registration").count() == 3_000
    assert PersonAccess.objects.filter(reason="registered").count() == 3_000
    assert Step.objects.filter(kind="intake").count() == 3_000
    registered = Counter(Person.objects.values_list("registered_by__code", flat=True))
    assert registered == {r.organisation: r.people for r in REGISTRARS}
    bulk = dict(AuditEvent.objects.filter(action="bulk_create").values_list("target_type", "count"))
    assert bulk["registry.person"] == 3_000 and bulk["pathways.step"] == demo["steps"]
    assert bulk["registry.consent"] == Consent.objects.count()


def test_the_demo_people_have_their_match_keys(demo, db):
    """`make demo` registers people in bulk: the registration form's likely matches find them."""
    from kafaat.registry.dedup import services as dedup_services
    from kafaat.registry.models import MatchKey, MatchKeyState

    assert MatchKey.objects.count() == 3_000 and MatchKeyState.objects.get().people == 3_000
    person = Person.objects.exclude(first_name_latin="").exclude(last_name_latin="").order_by("pk").first()
    worker = person.case_worker
    typed = {
        "first_name_latin": person.first_name_latin,
        "last_name_latin": person.last_name_latin,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "commune": person.territory.code,
    }
    found = dedup_services.likely_matches(worker, typed)
    assert person.pk in {match.pk for match, _p, _a in found.people}


def test_loading_again_adds_nothing(demo, db):
    counts = [model.objects.count() for model in (Organisation, Person, Step, Consent, PersonAccess)]
    again = load_demo()
    assert set(again.values()) == {0}
    assert [model.objects.count() for model in (Organisation, Person, Step, Consent, PersonAccess)] == counts


def test_people_live_in_the_four_regions_and_look_like_the_programme(demo, db):
    people = list(Person.objects.select_related("territory__parent__parent"))
    assert {p.territory.region.code for p in people} == {"MA-01", "MA-02", "MA-04", "MA-05"}
    provinces = {province for r in REGISTRARS for province in r.provinces}
    assert {p.territory.parent.code for p in people} <= provinces
    assert all(p.territory.level == "commune" for p in people)
    n = len(people)
    assert sum(p.sex == "F" for p in people) / n == pytest.approx(0.55, abs=0.02)
    assert sum(bool(p.has_disability) for p in people) / n == pytest.approx(0.05, abs=0.015)
    statuses = Counter(p.migration_status for p in people)
    assert statuses["refugee"] + statuses["asylum_seeker"] > 20 and statuses["regular_migrant"] > 50
    scripts = Counter((bool(p.name_ar), bool(p.name_latin)) for p in people)
    assert scripts[(True, True)] / n > 0.7 and scripts[(False, True)] > 100 and scripts[(True, False)] > 100
    ages = [p.age_on(timezone.localdate()) for p in people]
    assert sum(16 <= age <= 36 for age in ages) / n > 0.75
    assert sum(p.neet is True for p in people) > 300
    assert len({p.id_number_hash for p in people if p.id_number_hash}) == sum(
        1 for p in people if p.id_number
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT migration_status FROM registry_person LIMIT 1")
        assert cursor.fetchone()[0].startswith("gAAAA")  # encrypted at rest


def test_a_sample_of_steps_passes_check_step(demo, db):
    today = timezone.localdate()
    ids = list(Step.objects.values_list("pk", flat=True))
    sample = random.Random(1).sample(ids, 300)
    for step in Step.objects.filter(pk__in=sample).select_related("person", "project", "parent"):
        parent = step.parent
        if parent is not None and step.kind in ("dropout", "completion"):
            parent.status = StepStatus.ONGOING  # as it was when this step was recorded
        fields = {name: getattr(step, name) for name in pathways.KIND_FIELDS[step.kind]}
        errors = pathways.check_step(
            step.person,
            step.kind,
            step.project,
            step.date,
            parent,
            fields,
            today=today,
            participation_exists=True,
        )
        assert errors == {}, (step.kind, step.pk, errors)
        assert PersonAccess.objects.filter(
            person=step.person, organisation=step.organisation, is_active=True
        ).exists()
    for referral in Step.objects.filter(kind="referral", target_organisation__isnull=False):
        consent = registry.active_sharing_consent(referral.person, referral.target_organisation)
        assert consent is not None and consent.given_on <= referral.date


def test_pathway_shares_and_placements(demo, db):
    count = Counter(Step.objects.values_list("kind", flat=True))
    assert count["assessment"] / 3_000 == pytest.approx(0.80, abs=0.04)
    assert count["referral"] / 3_000 == pytest.approx(0.65, abs=0.04)
    assert count["enrolment"] / 3_000 == pytest.approx(0.55, abs=0.04)
    assert count["dropout"] / count["enrolment"] == pytest.approx(0.15, abs=0.04)
    assert count["certification"] / count["completion"] == pytest.approx(0.85, abs=0.05)
    assert count["placement"] / count["certification"] == pytest.approx(0.55, abs=0.07)
    placements = Step.objects.filter(kind="placement")
    types = Counter(placements.values_list("placement_type", flat=True))
    assert len(types) == 5 and types["salaried_job"] == max(types.values())
    assert placements.exclude(employer_name="").exists() and placements.exclude(contract_type="").exists()
    assert set(placements.values_list("sector", flat=True)) <= set("ABCDEFGHIJKLMNOPQRSTU")
    statuses = set(
        Step.objects.filter(kind="referral", target_organisation__isnull=False).values_list(
            "status", flat=True
        )
    )
    assert statuses == {"pending", "accepted", "declined"}
    assert Step.objects.filter(kind="dropout").exclude(dropout_reason="").count() == count["dropout"]
    six = Step.objects.filter(kind="follow_up", follow_up_months=6)
    assert six.filter(still_employed=True).count() / six.count() == pytest.approx(0.75, abs=0.08)


@pytest.mark.parametrize("username", ["caseworker.oujda", "caseworker.tanger"])
def test_the_demo_case_workers_have_follow_ups_due_this_week(users, username):
    today = timezone.localdate()
    due = pathways.due_follow_ups(users[username])
    assert any(today < item.due_on <= today + timedelta(days=7) for item in due)
    assert all(item.person.case_worker == users[username] for item in due)


def test_the_oujda_case_worker_sees_tanger_people_only_when_referred_to_amal(users, client):
    worker = users["caseworker.oujda"]
    visible = registry.visible_people(worker)
    from_tanger = visible.filter(registered_by__code="tanmia-tanger")
    referred = Step.objects.filter(
        kind="referral",
        status="accepted",
        target_organisation__code="amal-oujda",
        person__registered_by__code="tanmia-tanger",
    ).values_list("person_id", flat=True)
    assert from_tanger.exists() and set(from_tanger.values_list("pk", flat=True)) == set(referred)
    hidden = Person.objects.filter(registered_by__code="tanmia-tanger").exclude(pk__in=list(referred)).first()
    client.force_login(worker)
    assert client.get(f"/api/people/{hidden.pk}").status_code == 404
    assert client.get(f"/api/people/{from_tanger.first().pk}").status_code == 200
    assert (
        not visible.filter(registered_by__code__in=["nour-rabat", "atlas-beni-mellal"])
        .exclude(accesses__organisation__code="amal-oujda", accesses__reason="referral")
        .exists()
    )
    assert client.get("/api/caseload/due").json()
    for username in ("analyst.oriental", "donor", "reviewer"):
        assert not registry.visible_people(users[username]).exists(), username


def test_the_observatory_has_a_gap_table_for_the_oriental(demo, db, settings, tmp_path):
    from kafaat.observatory import gaps, snapshot, warehouse

    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    try:
        warehouse.refresh()
        assert {2020, 2025} <= set(gaps.years_available()) and gaps.latest_complete_year() == 2025
        rows = gaps.gap_table(2025, region="MA-02")
        assert sum(r.graduates for r in rows) > 100 and sum(r.vacancies for r in rows) > 100
        assert sum(r.hires for r in rows) > 0 and any(r.placement_rate is not None for r in rows)
        assert any(r.mismatch > 0.2 for r in rows) and any(r.mismatch < -0.2 for r in rows)  # both kinds
        future = [r for r in gaps.projection(level="region", territory_code="MA-02", dimension="occupation",
                                              group_code=rows[0].group_code) if not r.observed]  # fmt: skip
        assert len(future) == 3 and future[0].supply is not None
    finally:
        snapshot.close_all()


def test_every_demo_login_is_listed_and_no_other_account_is_created(users):
    from kafaat.synth.demo import DEMO_LOGINS

    assert set(users) == {login.username for login in DEMO_LOGINS}
