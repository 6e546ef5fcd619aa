"""The applicant writes and submits: the reference and initial state, the structured budget's totals kept in
step, the co-financing and grant limits, the deadline refused in Casablanca time, the concept note's short
list of requirements, documents checked by their content, and the other organisation's applicant kept out
(404) on every page."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from kafaat.grants.models import Application, Call
from kafaat.grants.services import applications
from kafaat.grants.services import documents as grant_documents
from kafaat.grants.services.workflow import TransitionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are checked in English (the default language is French)."""
    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _start(grants, user="applicant_a", lot="oriental"):
    return applications.start_application(
        grants["users"][user], grants["call"], grants["lots"][lot], title="Couture et insertion"
    )


def _line(**overrides):
    line = {
        "category": "training",
        "description": "Formation",
        "unit": "session",
        "quantity": "10",
        "unit_cost": "30000",
        "cofinancing": "0",
    }
    line.update(overrides)
    return line


def _concept_ready(grants, application):
    user = grants["users"]["applicant_a"]
    province = applications.provinces_for(application.lot).first()
    applications.update_details(user, application, {"summary": "Former 200 femmes", "territory": province.pk})
    applications.set_target_groups(
        user,
        application,
        [{"group": "women", "women": 150, "men": 0}, {"group": "neet_youth", "women": 20, "men": 30}],
    )


def test_start_gives_the_next_reference_and_the_procedures_first_state(grants):
    first, second = _start(grants), _start(grants, "applicant_b", "tanger")
    assert (first.reference, second.reference) == ("PILOTES-2026-0001", "PILOTES-2026-0002")
    assert first.status == "draft" and first.organisation == grants["ngo_a"]
    with pytest.raises(PermissionDenied):  # an officer does not apply
        applications.start_application(
            grants["users"]["officer"], grants["call"], grants["lots"]["oriental"], title="x"
        )
    with pytest.raises(ValidationError):  # a lot of another call
        applications.start_application(
            grants["users"]["applicant_a"], grants["call"], grants["open_call"].lots.first(), title="x"
        )


def test_budget_totals_per_category_and_the_requested_amount_follow_the_lines(grants):
    application, user = _start(grants), grants["users"]["applicant_a"]
    applications.set_budget(
        user,
        application,
        [
            _line(),
            _line(
                category="staff",
                description="Coordinatrice",
                unit="mois",
                quantity="12",
                unit_cost="15000",
                cofinancing="60000",
            ),
            _line(description="Kits", quantity="3", unit_cost="1000.333"),
        ],
    )
    application.refresh_from_db()
    assert application.total_cost == Decimal("483000.99")  # 300 000 + 180 000 + 3 × 1 000.33
    assert application.requested_amount == application.total_cost - Decimal("60000")
    summary = applications.budget_summary(application)
    assert dict(summary.by_category) == {
        "Human resources": Decimal("180000"),
        "Training costs": Decimal("303000.99"),
    }
    assert summary.cofinancing_share == Decimal("12.42") and summary.within_limits
    applications.set_budget(user, application, [_line(quantity="1")])
    application.refresh_from_db()
    assert (application.total_cost, application.requested_amount) == (Decimal("30000"), Decimal("30000"))


@pytest.mark.parametrize(
    "bad",
    [
        {"quantity": "-1"},
        {"unit_cost": "abc"},
        {"cofinancing": "400000"},
        {"category": "gifts"},
        {"description": ""},
        {"unit_cost": "1e400"},
        {"unit_cost": "NaN"},
    ],
)
def test_a_bad_budget_line_changes_nothing(grants, bad):
    application, user = _start(grants), grants["users"]["applicant_a"]
    applications.set_budget(user, application, [_line()])
    with pytest.raises(ValidationError):
        applications.set_budget(user, application, [_line(), _line(**bad)])
    application.refresh_from_db()
    assert application.budget_lines.count() == 1 and application.total_cost == Decimal("300000")


def test_the_concept_note_needs_only_its_part_and_the_full_application_its_budget(grants, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application, user = _start(grants), grants["users"]["applicant_a"]
    with pytest.raises(TransitionRefused):
        applications.submit(user, application)  # no summary, no target group
    _concept_ready(grants, application)
    application = applications.submit(user, application)  # no budget needed for the concept note
    assert application.status == "concept_submitted" and application.concept_submitted_at
    with pytest.raises(ValidationError):
        applications.update_details(user, application, {"title": "Changed"})  # no longer a draft
    Application.objects.filter(pk=application.pk).update(status="shortlisted")
    application.refresh_from_db()
    with pytest.raises(TransitionRefused) as error:
        applications.submit(user, application)
    assert "budget" in str(error.value.messages)
    applications.set_budget(user, application, [_line(cofinancing="10000")])  # 3.3 %: below the call's 10 %
    applications.set_contributions(
        user, application, [{"indicator": grants["indicators"][0].pk, "target": 150}]
    )
    with pytest.raises(TransitionRefused) as error:
        applications.submit(user, application)
    assert "co-financing" in str(error.value.messages)
    applications.set_budget(user, application, [_line(cofinancing="40000")])
    with pytest.raises(TransitionRefused) as error:
        applications.submit(user, application)
    assert "proposal document" in str(error.value.messages)
    grant_documents.add_document(user, application, "proposal", SimpleUploadedFile("projet.pdf", PDF))
    assert applications.submit(user, application).status == "full_submitted"


def test_after_the_deadline_submission_is_refused_with_the_deadline_in_casablanca_time(grants):
    application, user = _start(grants), grants["users"]["applicant_a"]
    _concept_ready(grants, application)
    deadline = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    Call.objects.filter(pk=grants["call"].pk).update(closes_at=deadline)
    application.refresh_from_db()
    with pytest.raises(TransitionRefused) as error:
        applications.submit(user, application)
    message = " ".join(error.value.messages)
    casablanca = deadline.astimezone(ZoneInfo("Africa/Casablanca"))
    assert "deadline has passed" in message and casablanca.strftime("%d %B %Y, %H:%M").lstrip("0") in message
    if casablanca.utcoffset():  # UTC+1 most of the year: the UTC time is not what the applicant reads
        assert deadline.astimezone(UTC).strftime("%H:%M") not in message
    application.refresh_from_db()
    assert application.status == "draft"


def test_contributions_only_to_the_programmes_indicators(grants):
    application, user = _start(grants), grants["users"]["applicant_a"]
    with pytest.raises(ValidationError):
        applications.set_contributions(user, application, [{"indicator": 999999, "target": 5}])
    with pytest.raises(ValidationError):
        applications.set_contributions(
            user, application, [{"indicator": grants["indicators"][0].pk, "target": 0}]
        )
    applications.set_contributions(
        user, application, [{"indicator": grants["indicators"][1].pk, "target": "40"}]
    )
    assert application.contributions.get().target == Decimal("40")


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_documents_are_checked_by_their_content_and_size(grants, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application, user = _start(grants), grants["users"]["applicant_a"]
    kept = grant_documents.add_document(
        user, application, "statutes", SimpleUploadedFile("statuts.docx", _docx())
    )
    for name, content in [
        ("virus.pdf", b"MZ\x90\x00 not a pdf"),  # a forged name
        ("photo.png", PDF),  # a PDF named as a PNG
        ("macro.docm", _docx()),  # a type not accepted
        ("empty.pdf", b""),
        ("huge.pdf", PDF + b"0" * (10 * 1024 * 1024)),
    ]:
        with pytest.raises(ValidationError):
            grant_documents.add_document(user, application, "proposal", SimpleUploadedFile(name, content))
    assert list(application.documents.all()) == [kept]
    with pytest.raises(Http404):
        grant_documents.get_document(grants["users"]["applicant_b"], kept.pk)


def test_a_document_is_downloaded_by_those_who_see_the_application_only(client, grants, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application, user = _start(grants), grants["users"]["applicant_a"]
    document = grant_documents.add_document(
        user, application, "proposal", SimpleUploadedFile("note.pdf", PDF)
    )
    url = reverse("grants:document", args=[document.pk])
    client.force_login(grants["users"]["officer"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert 'filename="note.pdf"' in response["Content-Disposition"]
    for other in ("applicant_b", "reviewer"):
        client.force_login(grants["users"][other])
        assert client.get(url).status_code == 404


def test_the_other_organisations_applicant_gets_404_everywhere(client, grants):
    application = _start(grants)
    other = grants["users"]["applicant_b"]
    with pytest.raises(Http404):
        applications.get_application(other, application.pk)
    client.force_login(other)
    for name in ("application", "save_details", "save_budget", "save_target_groups", "add_document"):
        method = client.get if name == "application" else client.post
        assert method(reverse(f"grants:{name}", args=[application.pk])).status_code == 404, name
    response = client.post(reverse("grants:application_transition", args=[application.pk, "withdraw"]))
    assert response.status_code == 404
    assert application.__class__.objects.get(pk=application.pk).status == "draft"
    assert "PILOTES" not in client.get(reverse("grants:applications")).content.decode()


def test_the_applicant_writes_through_the_pages_and_sees_the_public_state(client, grants):
    client.force_login(grants["users"]["applicant_a"])
    client.cookies["kafaat_language"] = "en"
    call, lot = grants["call"], grants["lots"]["oriental"]
    response = client.post(
        reverse("grants:start_application", args=[call.pk]),
        {"lot": lot.pk, "title": "Couture", "language": "fr"},
    )
    application = Application.objects.get(title="Couture")
    assert response["Location"] == reverse("grants:application", args=[application.pk])
    province = applications.provinces_for(lot).first()
    client.post(
        reverse("grants:save_details", args=[application.pk]),
        {"title": "Couture", "summary": "Former", "territory": province.pk, "language": "ar"},
    )
    client.post(
        reverse("grants:save_target_groups", args=[application.pk]), {"women_women": "40", "women_men": "0"}
    )
    budget = {
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-category": "training",
        "lines-0-description": "Ateliers",
        "lines-0-unit": "atelier",
        "lines-0-quantity": "4",
        "lines-0-unit_cost": "50000",
        "lines-0-cofinancing": "20000",
    }
    client.post(reverse("grants:save_budget", args=[application.pk]), budget)
    application.refresh_from_db()
    assert (application.language, application.territory, application.total_cost) == ("ar", province, 200000)
    assert application.requested_amount == Decimal("180000")
    response = client.post(
        reverse("grants:add_document", args=[application.pk]),
        {"kind": "proposal", "file": SimpleUploadedFile("x.pdf", b"nope")},
        follow=True,
    )
    assert "content must match" in response.content.decode() and application.total_cost == 200000
    client.post(reverse("grants:application_transition", args=[application.pk, "submit_concept"]))
    application.refresh_from_db()
    assert application.status == "concept_submitted"
    page = client.get(reverse("grants:applications")).content.decode()
    assert "Concept note submitted" in page and "eligibility to check" not in page  # the public name only
    assert "Withdraw the application" in page


def test_the_applicants_home_panel_lists_what_is_left_to_finish(client, grants):
    application = _start(grants)
    client.force_login(grants["users"]["applicant_a"])
    client.cookies["kafaat_language"] = "en"
    page = client.get("/").content.decode()
    assert 'id="panel-grants-applications"' in page and f'data-reference="{application.reference}"' in page
    client.force_login(grants["users"]["applicant_b"])
    page = client.get("/").content.decode()
    assert application.reference not in page  # another organisation's
    client.force_login(grants["users"]["officer"])
    assert 'id="panel-grants-applications"' not in client.get("/").content.decode()


def test_details_of_the_wrong_type_are_refused_field_by_field_not_a_crash(grants):
    from django.core.exceptions import ValidationError

    from kafaat.grants.services import applications

    applicant, call = grants["users"]["applicant_a"], grants["call"]
    application = applications.start_application(applicant, call, grants["lots"]["oriental"], title="Atelier")
    bad = {"duration_months": "eighteen", "territory": "02.411", "partners": ["ngo-b"]}
    with pytest.raises(ValidationError) as refused:
        applications.update_details(applicant, application, bad)
    assert set(refused.value.message_dict) == {"duration_months", "territory", "partners"}
    application.refresh_from_db()
    assert application.duration_months is None and application.territory is None  # nothing was saved
