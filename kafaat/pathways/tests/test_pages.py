"""The pathway pages through Django's test client: recording steps, referrals and the inbox, the caseload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kafaat.core.models import Project
from kafaat.pathways import services
from kafaat.pathways.models import Step, StepKind, StepStatus
from kafaat.registry import services as registry
from kafaat.registry.models import Consent

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english(client):
    # Messages are asserted in the source language: French (the default) gets its catalogue afterwards.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture
def project(world):
    project = Project.objects.create(
        code="tamkine", name_fr="Tamkine", start_date=TODAY - timedelta(days=900)
    )
    project.participants.add(world["ngo_a"], world["ngo_b"])
    return project


@pytest.fixture
def person(world):
    return registry.register_person(
        world["users"]["caseworker_a"],
        {
            "first_name_latin": "Salma",
            "last_name_latin": "Idrissi",
            "first_name_ar": "سلمى",
            "last_name_ar": "الإدريسي",
            "sex": "F",
            "birth_date": "2001-06-01",
            "commune": "COM_0551",
        },
        consent_given_on=TODAY - timedelta(days=400),
    )


@pytest.fixture
def caseworker_a(client, world):
    client.force_login(world["users"]["caseworker_a"])
    return client


def step_url(person, kind: str | None = None) -> str:
    url = reverse("pathways:step_new", args=[person.pk])
    return f"{url}?kind={kind}" if kind else url


def post_step(client, person, kind: str, project, on: str, *, htmx: bool = False, **fields):
    data = {"kind": kind, "project": project.pk, "date": on, **fields}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(step_url(person), data, **headers)


def last_step(kind: str) -> Step:
    return Step.objects.filter(kind=kind).latest("id")


# --- Recording steps ----------------------------------------------------------------------------------------


def test_the_step_choice_loads_the_fields_of_the_kind(caseworker_a, world, person, project):
    page = caseworker_a.get(reverse("registry:detail", args=[person.pk])).content.decode()
    assert f'hx-get="{step_url(person)}"' in page and 'hx-target="#step-form"' in page
    partial = caseworker_a.get(step_url(person, "referral"), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body
    for name in ("project", "date", "referral_target", "target_organisation", "programme", "share_consent"):
        assert f'name="{name}"' in body, name
    assert world["ngo_b"].name_fr in body and world["provider"].name_fr in body
    assert world["donor"].name_fr not in body  # not a partner of referrals
    assert 'name="parent"' not in body  # a referral follows nothing
    placement = caseworker_a.get(step_url(person, "placement"), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="employer_name"' in placement and 'name="target_organisation"' not in placement
    assert caseworker_a.get(step_url(person, ""), HTTP_HX_REQUEST="true").content == b""
    # Without JavaScript the same address gives a whole page.
    assert "<html" in caseworker_a.get(step_url(person, "intake")).content.decode()


def test_record_every_kind_of_step_through_the_page(caseworker_a, world, person, project):
    response = post_step(
        caseworker_a, person, "intake", project, days_ago(300), outcome="First visit", htmx=True
    )
    assert response.status_code == 200 and response["HX-Redirect"].startswith(
        reverse("registry:detail", args=[person.pk])
    )
    response = post_step(
        caseworker_a,
        person,
        "assessment",
        project,
        days_ago(290),
        skill_level="basic",
        prior_learning_recognised="1",
    )
    assert response.status_code == 302
    post_step(
        caseworker_a,
        person,
        "referral",
        project,
        days_ago(280),
        referral_target="training",
        programme="Cuisine",
    )
    referral = last_step("referral")
    assert referral.status == StepStatus.PENDING and referral.target_organisation is None

    # The parent choices are the person's steps of the right kind only.
    form = caseworker_a.get(step_url(person, "enrolment")).context["form"]
    assert list(form.fields["parent"].queryset) == [referral]
    post_step(
        caseworker_a,
        person,
        "enrolment",
        project,
        days_ago(270),
        parent=referral.pk,
        programme="Cuisine",
        cohort="2024-A",
    )
    enrolment = last_step("enrolment")
    assert enrolment.parent == referral and enrolment.status == StepStatus.ONGOING
    post_step(caseworker_a, person, "completion", project, days_ago(200), parent=enrolment.pk)
    completion = last_step("completion")
    enrolment.refresh_from_db()
    assert enrolment.status == StepStatus.COMPLETED and enrolment.end_date.isoformat() == days_ago(200)
    post_step(
        caseworker_a,
        person,
        "certification",
        project,
        days_ago(190),
        parent=completion.pk,
        credential="attestation",
    )
    assert last_step("certification").credential == "attestation"
    post_step(
        caseworker_a,
        person,
        "placement",
        project,
        days_ago(120),
        placement_type="salaried_job",
        employer_name="Atlas Textile",
        sector="C",
        contract_type="cdd",
        wage_band="smig_4000",
    )
    placement = last_step("placement")
    assert (placement.employer_name, placement.sector, placement.contract_type) == (
        "Atlas Textile",
        "C",
        "cdd",
    )
    post_step(
        caseworker_a,
        person,
        "follow_up",
        project,
        days_ago(20),
        parent=placement.pk,
        follow_up_months="3",
        still_employed="1",
        income_band="smig_4000",
    )
    follow_up = last_step("follow_up")
    assert follow_up.follow_up_months == 3 and follow_up.still_employed is True
    post_step(caseworker_a, person, "enrolment", project, days_ago(15), programme="Couture")
    second = last_step("enrolment")
    post_step(
        caseworker_a, person, "dropout", project, days_ago(5), parent=second.pk, dropout_reason="transport"
    )
    assert last_step("dropout").dropout_reason == "transport"
    assert set(Step.objects.values_list("kind", flat=True)) == set(StepKind.values)
    page = caseworker_a.get(reverse("registry:detail", args=[person.pk])).content.decode()
    timeline = page[page.index('<ol class="timeline">') :]
    assert (
        timeline.index("Intake and orientation") < timeline.index("Atlas Textile") < timeline.index("Dropout")
    )


def test_rule_violations_are_shown_next_to_their_fields(caseworker_a, world, person, project):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = post_step(caseworker_a, person, "intake", project, tomorrow, htmx=True)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert response.context["form"].errors["date"] == ["A step cannot be recorded in the future."]
    assert "A step cannot be recorded in the future." in response.content.decode()

    response = post_step(caseworker_a, person, "dropout", project, days_ago(1), dropout_reason="health")
    assert response.context["form"].errors["parent"] == ["Choose the step this one answers to."]

    post_step(caseworker_a, person, "enrolment", project, days_ago(50), programme="Cuisine")
    enrolment = last_step("enrolment")
    post_step(caseworker_a, person, "completion", project, days_ago(10), parent=enrolment.pk)
    response = post_step(
        caseworker_a, person, "dropout", project, days_ago(5), parent=enrolment.pk, dropout_reason="health"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["This enrolment has already ended (Completed)."]

    response = post_step(caseworker_a, person, "follow_up", project, days_ago(1))
    errors = response.context["form"].errors
    assert {"parent", "follow_up_months", "still_employed"} <= set(errors)
    assert not Step.objects.filter(kind__in=["intake", "dropout", "follow_up"]).exists()


def test_steps_need_a_project_of_the_organisation(caseworker_a, world, person):
    other = Project.objects.create(code="other", name_fr="Autre", start_date=TODAY - timedelta(days=10))
    other.participants.add(world["ngo_b"])
    page = caseworker_a.get(step_url(person, "intake"), HTTP_HX_REQUEST="true").content.decode()
    assert "no step can be recorded" in page
    response = post_step(caseworker_a, person, "intake", other, days_ago(1))
    assert "project" in response.context["form"].errors and not Step.objects.exists()


def test_steps_of_another_organisations_person_are_out_of_reach(client, world, person, project):
    client.force_login(world["users"]["caseworker_b"])
    assert client.get(step_url(person, "intake")).status_code == 404
    assert post_step(client, person, "intake", project, days_ago(1)).status_code == 404
    assert not Step.objects.exists()


# --- Referrals ----------------------------------------------------------------------------------------------


def refer_to_ngo_b(client, world, person, project, **extra):
    return post_step(
        client,
        person,
        "referral",
        project,
        days_ago(2),
        referral_target="organisation",
        target_organisation=world["ngo_b"].pk,
        **extra,
    )


def test_a_referral_to_an_organisation_needs_the_persons_consent(caseworker_a, world, person, project):
    response = refer_to_ngo_b(caseworker_a, world, person, project)
    assert response.status_code == 200
    assert response.context["form"].errors["target_organisation"] == [
        "Record the person's consent to share their record with this organisation first."
    ]
    assert not Step.objects.exists()
    # A referral that fails for another reason records no consent either.
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    data = {"kind": "referral", "project": project.pk, "date": tomorrow, "referral_target": "organisation"}
    data.update(target_organisation=world["ngo_b"].pk, share_consent="on")
    assert caseworker_a.post(step_url(person), data).status_code == 200
    assert not person.consents.filter(purpose=Consent.Purpose.SHARING).exists()

    assert refer_to_ngo_b(caseworker_a, world, person, project, share_consent="on").status_code == 302
    referral = Step.objects.get(kind="referral")
    assert referral.target_organisation == world["ngo_b"] and referral.status == StepStatus.PENDING
    consent = person.consents.get(purpose=Consent.Purpose.SHARING)
    assert consent.shared_with == world["ngo_b"] and consent.given_on.isoformat() == days_ago(2)


def test_the_receiving_organisation_accepts_from_its_inbox_and_then_sees_the_person(
    client, world, person, project
):
    client.force_login(world["users"]["caseworker_a"])
    refer_to_ngo_b(client, world, person, project, share_consent="on")
    referral = Step.objects.get(kind="referral")
    # The sender may not answer for the receiver.
    assert (
        client.post(reverse("pathways:respond", args=[referral.pk]), {"decision": "accept"}).status_code
        == 404
    )

    client.force_login(world["users"]["caseworker_b"])
    assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 404
    inbox = client.get(reverse("pathways:inbox")).content.decode()
    for text in (
        "Salma Idrissi",
        world["ngo_a"].name_fr,
        "tamkine",
        reverse("pathways:respond", args=[referral.pk]),
    ):
        assert text in inbox, text
    assert 'value="accept"' in inbox and 'value="decline"' in inbox
    response = client.post(
        reverse("pathways:respond", args=[referral.pk]), {"decision": "accept", "note": "Welcome"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:detail", args=[person.pk]
    )
    referral.refresh_from_db()
    assert referral.status == StepStatus.ACCEPTED and referral.outcome == "Welcome"
    assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 200
    assert "Salma Idrissi" in client.get(reverse("registry:search"), {"q": "salma"}).content.decode()
    inbox = client.get(reverse("pathways:inbox")).content.decode()
    assert "Accepted" in inbox and "Welcome" in inbox and 'value="accept"' not in inbox
    # A second answer is refused with a message, not an error page.
    response = client.post(
        reverse("pathways:respond", args=[referral.pk]), {"decision": "decline"}, follow=True
    )
    assert "already answered" in response.content.decode()
    assert Step.objects.get(pk=referral.pk).status == StepStatus.ACCEPTED


def test_a_declined_referral_opens_nothing(client, world, person, project):
    client.force_login(world["users"]["caseworker_a"])
    refer_to_ngo_b(client, world, person, project, share_consent="on")
    referral = Step.objects.get(kind="referral")
    client.force_login(world["users"]["caseworker_b"])
    response = client.post(
        reverse("pathways:respond", args=[referral.pk]), {"decision": "decline", "note": "Full"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("pathways:inbox")
    referral.refresh_from_db()
    assert referral.status == StepStatus.DECLINED
    assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 404
    assert "Declined" in client.get(reverse("pathways:inbox")).content.decode()
    assert (
        client.post(reverse("pathways:respond", args=[referral.pk]), {"decision": "maybe"}).status_code == 302
    )


# --- Caseload -----------------------------------------------------------------------------------------------


def test_caseload_shows_due_follow_ups_and_referrals(client, world, person, project):
    caseworker = world["users"]["caseworker_a"]
    services.record_step(caseworker, person, StepKind.INTAKE, project=project, on=TODAY - timedelta(days=120))
    services.record_step(
        caseworker,
        person,
        StepKind.PLACEMENT,
        project=project,
        on=TODAY - timedelta(days=95),
        placement_type="salaried_job",
    )
    client.force_login(caseworker)
    refer_to_ngo_b(client, world, person, project, share_consent="on")
    response = client.get(reverse("pathways:caseload"))
    assert response.status_code == 200
    page = response.content.decode()
    due = page[page.index('id="due"') : page.index('id="referrals-sent"')]
    assert "Salma Idrissi" in due and "Follow-up at 3 months" in due and "overdue" in due
    assert "kind=follow_up" in due
    sent = page[page.index('id="referrals-sent"') : page.index('id="inbox-summary"')]
    assert "Salma Idrissi" in sent and world["ngo_b"].name_fr in sent
    people = page[page.index('id="caseload-rows"') :]
    assert "Salma Idrissi" in people
    assert f"{reverse('registry:export')}?mine=1&amp;format=xlsx" in page
    # The follow-up link opens the form with the placement chosen.
    form = client.get(step_url(person, "follow_up") + "&follow_up_months=3").context["form"]
    assert form["follow_up_months"].value() == "3"

    client.force_login(world["users"]["caseworker_b"])
    page = client.get(reverse("pathways:caseload")).content.decode()
    assert "1 referral to your organisation waits for an answer." in page
    assert "Salma Idrissi" not in page[page.index('id="caseload-rows"') :]


def test_caseload_mine_or_whole_organisation(client, world, person, make_member):
    colleague = make_member("colleague_a", world["ngo_a"])
    client.force_login(colleague)
    mine = client.get(reverse("pathways:caseload")).content.decode()
    assert "Salma Idrissi" not in mine[mine.index('id="caseload-rows"') :]
    whole = client.get(reverse("pathways:caseload"), {"scope": "organisation"}).content.decode()
    assert "Salma Idrissi" in whole[whole.index('id="caseload-rows"') :]
    partial = client.get(
        reverse("pathways:caseload"), {"scope": "organisation", "q": "salma"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in partial.content.decode() and "Salma Idrissi" in partial.content.decode()


@pytest.mark.parametrize("username", ["analyst_oriental", "donor"])
def test_caseload_and_inbox_are_refused_to_roles_without_person_permission(client, world, username):
    client.force_login(world["users"][username])
    assert client.get(reverse("pathways:caseload")).status_code == 403
    assert client.get(reverse("pathways:inbox")).status_code == 403


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_every_pathway_page_renders_in_every_language(client, world, person, project, language):
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    refer_to_ngo_b(client, world, person, project, share_consent="on")
    for url in (
        reverse("pathways:caseload"),
        reverse("pathways:caseload") + "?scope=organisation",
        reverse("pathways:inbox"),
        step_url(person, "referral"),
        step_url(person, "follow_up"),
        reverse("registry:detail", args=[person.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert (
            f'lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in response.content.decode()
        ), url
    client.force_login(world["users"]["caseworker_b"])
    assert client.get(reverse("pathways:inbox")).status_code == 200


def test_the_inbox_links_only_the_people_the_user_may_open(client, world, person, project):
    """Issue 11: an accepted referral whose person went out of reach (here the sharing consent was withdrawn)
    is listed without a link to a page that would answer 404; one still in reach keeps its link."""
    other = registry.register_person(
        world["users"]["caseworker_a"],
        {"first_name_latin": "Karim", "last_name_latin": "Alaoui", "sex": "M", "birth_date": "1999-02-02"}
        | {"commune": "COM_0551"},
        consent_given_on=TODAY - timedelta(days=400),
    )
    client.force_login(world["users"]["caseworker_a"])
    for someone in (person, other):
        refer_to_ngo_b(client, world, someone, project, share_consent="on")
    client.force_login(world["users"]["caseworker_b"])
    for referral in Step.objects.filter(kind="referral"):
        client.post(reverse("pathways:respond", args=[referral.pk]), {"decision": "accept"})
    sharing = person.consents.get(purpose=Consent.Purpose.SHARING)
    registry.withdraw_consent(world["users"]["caseworker_a"], sharing)

    inbox = client.get(reverse("pathways:inbox")).content.decode()
    assert "Salma" in inbox and "Karim" in inbox  # both referrals are still listed
    assert reverse("registry:detail", args=[person.pk]) not in inbox
    assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 404
    assert f'href="{reverse("registry:detail", args=[other.pk])}"' in inbox
    assert client.get(reverse("registry:detail", args=[other.pk])).status_code == 200
