"""The people pages through the test client: registration, search, the person's page, changes, consents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kafaat.core.models import AuditEvent, Membership, Organisation, Role
from kafaat.registry import services
from kafaat.registry.models import Consent, Person, PersonAccess, PersonVersion

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english(client):
    # Messages are asserted in the source language: French (the default) gets its catalogue afterwards.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def form_data(**overrides) -> dict:
    data = {
        "first_name_ar": "فاطمة الزهراء",
        "last_name_ar": "بنعلي",
        "first_name_latin": "Fatima Zahra",
        "last_name_latin": "Benali",
        "sex": "F",
        "birth_date": "1999-04-12",
        "age": "",
        "phone": "06 12 34 56 78",
        "phone_alt": "",
        "commune": "Oujda (COM_0551)",
        "id_type": "cin",
        "id_number": "AB123456",
        "nationality": "MA",
        "migration_status": "",
        "education_level": "baccalaureate",
        "neet": "1",
        "languages": ["ary", "fr"],
        "consent": "on",
        "consent_date": TODAY.isoformat(),
        "contact_consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register(user, **raw) -> Person:
    values = {
        "first_name_latin": "Youssef",
        "last_name_latin": "Amrani",
        "first_name_ar": "يوسف",
        "last_name_ar": "العمراني",
        "sex": "M",
        "birth_date": "2000-01-15",
        "commune": "COM_0551",
        "phone": "0661112233",
        "id_type": "cin",
        "id_number": "F987654",
    }
    values.update(raw)
    return services.register_person(user, values, consent_given_on=TODAY)


@pytest.fixture
def person_a(world):
    return register(world["users"]["caseworker_a"])


@pytest.fixture
def person_b(world):
    return register(
        world["users"]["caseworker_b"],
        first_name_latin="Khadija",
        last_name_latin="Tazi",
        first_name_ar="خديجة",
        last_name_ar="التازي",
        sex="F",
        commune="COM_0781",
        phone="0670000001",
        id_number="K111222",
    )


def signed_in(client, user, language: str = "en"):
    """Signed in, in English unless said otherwise: the assertions read the English messages."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def stored_id_number(person: Person) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


# --- Registration -------------------------------------------------------------------------------------------


def test_registration_creates_the_person_with_encrypted_id_consent_and_access(client, world):
    caseworker = world["users"]["caseworker_a"]
    signed_in(client, caseworker)
    response = client.post(reverse("registry:register"), form_data())
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:detail", args=[person.pk]
    )
    assert (person.first_name_ar, person.last_name_latin, person.sex) == ("فاطمة الزهراء", "Benali", "F")
    assert person.territory.code == "COM_0551" and person.phone == "+212612345678"
    assert person.languages == ["ary", "fr"] and person.neet is True
    assert person.registered_by == world["ngo_a"] and person.case_worker == caseworker
    # The document number is readable through the model, never stored in clear.
    assert person.id_number == "AB123456" and person.id_number_hash
    assert "AB123456" not in stored_id_number(person)
    purposes = set(person.consents.values_list("purpose", flat=True))
    assert purposes == {Consent.Purpose.REGISTRATION, Consent.Purpose.CONTACT}
    assert person.consents.get(purpose=Consent.Purpose.REGISTRATION).given_on == TODAY
    assert PersonAccess.objects.filter(person=person, organisation=world["ngo_a"], is_active=True).exists()
    assert AuditEvent.objects.filter(action="create", target_type="registry.person", target_id=str(person.pk))
    page = client.get(response["Location"]).content.decode()
    assert "Benali" in page and "is registered" in page


def test_the_age_can_stand_for_the_date_of_birth_and_the_commune_can_be_typed_by_name(client, world):
    signed_in(client, world["users"]["caseworker_a"])
    data = form_data(birth_date="", age="30", commune="Oujda", id_type="", id_number="", contact_consent=None)
    assert client.post(reverse("registry:register"), data).status_code == 302
    person = Person.objects.get()
    assert person.birth_date_estimated and person.age_on(TODAY) in (29, 30)
    assert person.territory.code == "COM_0551" and person.id_number == ""
    assert set(person.consents.values_list("purpose", flat=True)) == {Consent.Purpose.REGISTRATION}


def test_bad_input_shows_the_form_again_with_each_error_next_to_its_field(client, world):
    signed_in(client, world["users"]["caseworker_a"])
    data = form_data(
        first_name_ar="Fatima", commune="Atlantis", phone="12", id_number="123-ABC", age="", birth_date=""
    )
    data["wg_seeing"] = "3"  # one Washington Group answer out of six
    response = client.post(reverse("registry:register"), data)
    assert response.status_code == 200
    assert not Person.objects.exists() and not Consent.objects.exists()
    errors = response.context["form"].errors
    assert errors["first_name_ar"] == ["Write this name in Arabic letters."]
    assert errors["commune"] == ["Unknown commune or province: Atlantis."]
    assert errors["phone"][0].startswith("Not a valid phone number")
    assert errors["id_number"][0].startswith("Not a valid document number")
    assert errors["wg_seeing"] == ["Answer all six Washington Group questions, or none."]
    page = response.content.decode()
    # The message sits in the field's own block, after its input.
    block = page[page.index('id="id_first_name_ar"') :]
    assert block.index("Write this name in Arabic letters.") < block.index('id="id_last_name_ar"')
    assert 'value="Atlantis"' in page  # what was typed comes back
    assert "<details" in page and 'id="section-disability" open' in page


def test_registration_without_consent_is_refused(client, world):
    signed_in(client, world["users"]["caseworker_a"])
    response = client.post(reverse("registry:register"), form_data(consent=None))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["consent"]
    assert "The person must agree to be registered." in response.content.decode()
    assert not Person.objects.exists()


def test_a_name_and_a_sex_are_required(client, world):
    signed_in(client, world["users"]["caseworker_a"])
    empty_names = dict.fromkeys(("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin"), "")
    response = client.post(reverse("registry:register"), form_data(sex="", **empty_names))
    errors = response.context["form"].errors
    assert "last_name_latin" in errors and "sex" in errors
    assert not Person.objects.exists()


def test_the_form_has_arabic_inputs_right_to_left_and_suggests_the_communes_of_the_region(client, world):
    signed_in(client, world["users"]["caseworker_a"])
    page = client.get(reverse("registry:register")).content.decode()
    assert 'name="first_name_ar"' in page and 'dir="rtl"' in page
    assert 'value="Oujda (COM_0551)"' in page  # Oriental, the region of NGO A
    assert "(COM_0781)" not in page  # Tanger is in another region
    assert 'name="organisation"' not in page  # one organisation: nothing to choose
    assert 'type="checkbox" name="consent"' in page and 'name="wg_seeing"' in page


def test_a_member_of_two_organisations_chooses_the_organisation(client, world):
    user = world["users"]["caseworker_a"]
    Membership.objects.create(user=user, organisation=world["provider"], role=Role.CASE_WORKER)
    signed_in(client, user)
    assert 'name="organisation"' in client.get(reverse("registry:register")).content.decode()
    response = client.post(reverse("registry:register"), form_data())
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    response = client.post(reverse("registry:register"), form_data(organisation=world["provider"].pk))
    assert response.status_code == 302
    assert Person.objects.get().registered_by == world["provider"]


# --- Search -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["فاط", "فاطمه", "بنعل", "zahr", "BENALI", "0612345678", "+212 612 345 678", "AB123456"]
)
def test_search_finds_by_partial_name_in_either_script_by_phone_and_by_cin(client, world, person_b, query):
    signed_in(client, world["users"]["caseworker_a"])
    client.post(reverse("registry:register"), form_data())
    register(world["users"]["caseworker_a"], first_name_latin="Omar", first_name_ar="عمر", phone="0699999999")
    response = client.get(reverse("registry:search"), {"q": query})
    assert response.status_code == 200
    names = [person.last_name_latin for person in response.context["page"]]
    assert names == ["Benali"], query


def test_search_filters_and_htmx_partial(client, world, person_a):
    caseworker = world["users"]["caseworker_a"]
    signed_in(client, caseworker)
    client.post(reverse("registry:register"), form_data())
    url = reverse("registry:search")
    assert {p.sex for p in client.get(url, {"sex": "F"}).context["page"]} == {"F"}
    assert len(client.get(url, {"territory": "MA-02"}).context["page"]) == 2
    assert len(client.get(url, {"territory": "02.411"}).context["page"]) == 2
    assert len(client.get(url, {"territory": "MA-01"}).context["page"]) == 0
    person_a.case_worker = None
    person_a.save()
    assert [p.pk for p in client.get(url, {"mine": "1"}).context["page"]] != [person_a.pk]
    assert len(client.get(url, {"mine": "1"}).context["page"]) == 1
    partial = client.get(url, {"q": "benali"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "Benali" in body and "Amrani" not in body
    assert "HX-Request" in partial["Vary"]
    # Export links carry the same filters plus the format.
    assert f"{reverse('registry:export')}?q=benali&amp;format=xlsx" in body
    assert "format=csv" in body


def test_search_page_has_the_actions_and_the_row_details(client, world, person_a):
    signed_in(client, world["users"]["caseworker_a"])
    page = client.get(reverse("registry:search")).content.decode()
    assert 'id="people-rows"' in page and 'hx-get="/people/"' in page
    assert 'type="checkbox" name="mine" value="1"' in page
    assert reverse("registry:register") in page and "format=xlsx" in page
    for text in ("Youssef Amrani", "يوسف العمراني", "Male", "Oujda", world["ngo_a"].name_fr):
        assert text in page, text
    assert str(person_a.age_on(TODAY)) in page


def test_search_is_paginated(client, world):
    caseworker = world["users"]["caseworker_a"]
    for number in range(27):
        register(caseworker, phone=f"06611{number:05d}", id_number=f"F{number + 1}")
    signed_in(client, caseworker)
    response = client.get(reverse("registry:search"))
    assert len(response.context["page"]) == 25 and response.context["page"].paginator.num_pages == 2
    assert len(client.get(reverse("registry:search"), {"page": 2}).context["page"]) == 2


def test_the_count_of_a_long_search_stops_at_the_cap_and_the_page_says_so(client, world, monkeypatch):
    from kafaat.registry.views import people

    caseworker = world["users"]["caseworker_a"]
    for number in range(4):
        register(caseworker, phone=f"06611{number:05d}", id_number=f"F{number + 1}")
    signed_in(client, caseworker)
    monkeypatch.setattr(people, "SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr(people, "PAGE_SIZE", 2)
    response = client.get(reverse("registry:search"), {"q": "amrani"})
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == 3 and page.paginator.num_pages == 2
    assert "More than 3 people: the first 3 are listed." in response.content.decode()
    assert len(client.get(reverse("registry:search"), {"q": "amrani", "page": 2}).context["page"]) == 1
    monkeypatch.setattr(people, "SEARCH_COUNT_CAP", 4)  # exactly the cap: an exact count
    response = client.get(reverse("registry:search"), {"q": "amrani"})
    assert not response.context["page"].paginator.capped and "4 people" in response.content.decode()


# --- Who sees what ------------------------------------------------------------------------------------------


def test_ngo_a_never_sees_ngo_b_people(client, world, person_a, person_b):
    signed_in(client, world["users"]["caseworker_a"])
    page = client.get(reverse("registry:search")).content.decode()
    assert "Amrani" in page and "Tazi" not in page
    assert not client.get(reverse("registry:search"), {"q": "khadija"}).context["page"].object_list
    assert not client.get(reverse("registry:search"), {"q": "0670000001"}).context["page"].object_list
    for url in (
        reverse("registry:detail", args=[person_b.pk]),
        reverse("registry:edit", args=[person_b.pk]),
        reverse("registry:detail", args=[person_b.pk]) + "?reveal=id_number",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Tazi" not in response.content.decode()
    consent = person_b.consents.get()
    response = client.post(reverse("registry:consent_withdraw", args=[person_b.pk, consent.pk]))
    assert response.status_code == 404
    assert client.post(reverse("registry:edit", args=[person_b.pk]), form_data()).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    # A consent id of another person through one's own person's address: 404 too.
    response = client.post(reverse("registry:consent_withdraw", args=[person_a.pk, consent.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("username", ["analyst_oriental", "donor", "reviewer"])
def test_roles_without_person_permission_get_no_search_and_no_person_page(client, world, person_a, username):
    signed_in(client, world["users"][username])
    assert client.get(reverse("registry:search"), {"q": "Amrani"}).status_code == 403
    assert client.get(reverse("registry:register")).status_code == 403
    response = client.get(reverse("registry:detail", args=[person_a.pk]))
    assert response.status_code == 404 and "Amrani" not in response.content.decode()


def test_a_viewer_without_change_permission_sees_no_sensitive_values(client, world, make_member):
    manager = make_member("manager_a", world["ngo_a"], Role.PROGRAMME_MANAGER)
    person = register(world["users"]["caseworker_a"], migration_status="refugee", nationality="SY")
    signed_in(client, manager)
    page = client.get(reverse("registry:detail", args=[person.pk])).content.decode()
    assert "Amrani" in page and "Refugee" not in page and "recorded" in page
    assert reverse("registry:edit", args=[person.pk]) not in page and "F987654" not in page
    assert client.get(reverse("registry:edit", args=[person.pk])).status_code == 403
    assert client.get(reverse("registry:detail", args=[person.pk]) + "?reveal=id_number").status_code == 403


# --- The person's page --------------------------------------------------------------------------------------


def test_person_page_shows_the_facts_with_the_document_number_masked(client, world):
    caseworker = world["users"]["caseworker_a"]
    answers = {f"wg_{d}": "1" for d in ("seeing", "hearing", "mobility", "cognition", "self_care")}
    person = register(
        caseworker, migration_status="refugee", nationality="SY", wg_communication="3", **answers
    )
    signed_in(client, caseworker)
    response = client.get(reverse("registry:detail", args=[person.pk]))
    page = response.content.decode()
    assert '<bdi class="name-ar" lang="ar" dir="rtl" translate="no">يوسف العمراني</bdi>' in page
    assert "••••654" in page and "F987654" not in page
    for text in ("Oujda", "Oujda-Angad", "Oriental", "+212661112233", world["ngo_a"].name_fr, "caseworker_a"):
        assert text in page, text
    assert "Refugee" in page and "A lot of difficulty" in page  # to a user who may change the record
    assert reverse("registry:edit", args=[person.pk]) in page
    assert AuditEvent.objects.filter(action="view", target_id=str(person.pk), actor=caseworker).exists()
    reveal = client.get(
        reverse("registry:detail", args=[person.pk]), {"reveal": "id_number"}, HTTP_HX_REQUEST="true"
    )
    assert (
        reveal.status_code == 200
        and "F987654" in reveal.content.decode()
        and "<html" not in reveal.content.decode()
    )
    assert AuditEvent.objects.filter(target_id=str(person.pk), details__revealed="id_number").count() == 1


def test_person_page_shows_the_timeline_in_order(client, world, person_a):
    caseworker = world["users"]["caseworker_a"]
    services.record_consent(
        caseworker,
        person_a,
        Consent.Purpose.SHARING,
        given_on=TODAY - timedelta(days=3),
        shared_with=world["ngo_b"],
    )
    signed_in(client, caseworker)
    page = client.get(reverse("registry:detail", args=[person_a.pk])).content.decode()
    timeline = page[page.index('<ol class="timeline">') :]
    assert timeline.index(world["ngo_b"].name_fr) < timeline.index("Registration and follow-up")


# --- Changes ------------------------------------------------------------------------------------------------


def test_edit_is_prefilled_with_the_number_masked_and_keeps_it_when_unchanged(client, world, person_a):
    signed_in(client, world["users"]["caseworker_a"])
    response = client.get(reverse("registry:edit", args=[person_a.pk]))
    form = response.context["form"]
    assert form["last_name_latin"].value() == "Amrani" and form["commune"].value() == "Oujda (COM_0551)"
    assert form["id_number"].value() == "••••654" and "F987654" not in response.content.decode()
    data = {key: form[key].value() for key in form.fields if form[key].value() is not None}
    data.update(phone="0677665544", household_head="")
    data = {key: value for key, value in data.items() if value not in (False, "")}
    response = client.post(reverse("registry:edit", args=[person_a.pk]), data)
    assert response.status_code == 302
    person_a.refresh_from_db()
    assert person_a.phone == "+212677665544" and person_a.id_number == "F987654"
    version = PersonVersion.objects.get(person=person_a)
    assert version.changes == {"phone": ["+212661112233", "+212677665544"]}
    assert version.changed_by == world["users"]["caseworker_a"]
    history = client.get(reverse("registry:edit", args=[person_a.pk])).content.decode()
    assert "+212677665544" in history and "caseworker_a" in history
    value = '<bdi dir="auto" translate="no">{}</bdi>'
    change = f"{value.format('+212661112233')} {{}} {value.format('+212677665544')}"
    assert change.format("→") in history
    client.cookies["kafaat_language"] = "ar"  # the arrow points the way Arabic reads: from the old value
    assert change.format("←") in client.get(reverse("registry:edit", args=[person_a.pk])).content.decode()


def test_sensitive_changes_show_only_changed(client, world, person_a):
    signed_in(client, world["users"]["caseworker_a"])
    form = client.get(reverse("registry:edit", args=[person_a.pk])).context["form"]
    data = {key: form[key].value() for key in form.fields if form[key].value() not in (None, False, "")}
    data.update(migration_status="asylum_seeker", id_number="G555444")
    assert client.post(reverse("registry:edit", args=[person_a.pk]), data).status_code == 302
    person_a.refresh_from_db()
    assert person_a.id_number == "G555444"
    assert PersonVersion.objects.get().changes == {"migration_status": "changed", "id_number": "changed"}
    history = client.get(reverse("registry:edit", args=[person_a.pk])).content.decode()
    section = history[history.index('id="history"') :]
    assert "changed" in section and "G555444" not in section and "F987654" not in section
    assert "Asylum seeker" not in section


def test_edit_with_bad_input_shows_the_errors_and_changes_nothing(client, world, person_a):
    signed_in(client, world["users"]["caseworker_a"])
    response = client.post(reverse("registry:edit", args=[person_a.pk]), form_data(last_name_ar="Amrani"))
    assert response.status_code == 200 and "last_name_ar" in response.context["form"].errors
    assert not PersonVersion.objects.exists()


# --- Consents -----------------------------------------------------------------------------------------------


def test_withdraw_a_consent_from_the_page(client, world, person_a):
    caseworker = world["users"]["caseworker_a"]
    consent = services.record_consent(
        caseworker, person_a, Consent.Purpose.SHARING, given_on=TODAY, shared_with=world["ngo_b"]
    )
    signed_in(client, caseworker)
    page = client.get(reverse("registry:detail", args=[person_a.pk])).content.decode()
    assert reverse("registry:consent_withdraw", args=[person_a.pk, consent.pk]) in page
    assert client.get(reverse("registry:consent_withdraw", args=[person_a.pk, consent.pk])).status_code == 405
    response = client.post(reverse("registry:consent_withdraw", args=[person_a.pk, consent.pk]), follow=True)
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY and consent.withdrawn_by == caseworker
    assert "withdrawn on" in response.content.decode()


def test_record_a_sharing_consent_from_the_page(client, world, person_a):
    signed_in(client, world["users"]["caseworker_a"])
    url = reverse("registry:consent_add", args=[person_a.pk])
    response = client.post(
        url, {"shared_with": world["ngo_b"].pk, "given_on": TODAY.isoformat(), "note": "oral"}
    )
    assert response.status_code == 302
    consent = person_a.consents.get(purpose=Consent.Purpose.SHARING)
    assert consent.shared_with == world["ngo_b"] and consent.note == "oral"
    # The donor is not a partner a record is shared with; a date in the future is refused.
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client.post(url, {"shared_with": world["donor"].pk, "given_on": tomorrow})
    assert response.status_code == 200
    errors = response.context["share_form"].errors
    assert "shared_with" in errors and "given_on" in errors
    assert person_a.consents.filter(purpose=Consent.Purpose.SHARING).count() == 1


def test_the_partner_directory_lists_every_active_partner(world):
    directory = services.partner_directory(world["users"]["caseworker_a"])
    assert set(directory) == {world["ngo_b"], world["provider"], world["agency"]}  # not its own
    world["ngo_b"].is_active = False
    world["ngo_b"].save()
    assert world["ngo_b"] not in services.partner_directory(world["users"]["caseworker_a"])
    assert not services.partner_directory(world["users"]["analyst_oriental"]).exists()
    assert Organisation.Type.DONOR not in {o.type for o in directory}


# --- Languages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_every_people_page_renders_in_every_language(client, world, person_a, language):
    signed_in(client, world["users"]["caseworker_a"], language)
    for url in (
        reverse("registry:search"),
        reverse("registry:search") + "?q=amrani&sex=M&territory=MA-02&mine=1",
        reverse("registry:register"),
        reverse("registry:detail", args=[person_a.pk]),
        reverse("registry:edit", args=[person_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert f'lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in page, url
    arabic_form = client.post(reverse("registry:register"), form_data(phone="1")).content.decode()
    assert f'lang="{language}"' in arabic_form and 'class="errorlist"' in arabic_form


def test_a_long_history_is_paginated_under_its_own_parameter(client, world, person_a):
    worker = world["users"]["caseworker_a"]
    for n in range(26):  # one more than a page
        services.update_person(worker, person_a, {"phone": f"07001122{n:02d}"})
    signed_in(client, worker)
    url = reverse("registry:edit", args=[person_a.pk])
    first = client.get(url).content.decode()
    assert 'href="?history=2#history"' in first
    second = client.get(url + "?history=2").content.decode()
    assert "Page 2 of 2" in second and 'href="?history=1#history"' in second
