"""Missions services: person-days, the workflow, the report file, the roll-ups and their scope."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from kafaat.contacts.models import Contact
from kafaat.core.models import AuditEvent
from kafaat.events.models import Attendance, Event, EventType, Registration, Session
from kafaat.missions import services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="report.pdf", size=None) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n" + b"0" * ((size or 100) - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def office(name: str, members: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def data(twinning, **overrides) -> dict:
    return {
        "expert": twinning["experts"][0],
        "organiser": twinning["agency"],
        "project": twinning["project"],
        "result": twinning["component"],
        "territory": twinning["missions"][0].territory,
        "purpose": "Atelier",
        "start_date": date(2025, 9, 1),
        "end_date": date(2025, 9, 12),
        **overrides,
    }


def test_working_days_count_monday_to_friday_both_ends_included():
    assert services.working_days(date(2025, 1, 6), date(2025, 1, 10)) == 5  # Mon–Fri
    assert services.working_days(date(2025, 1, 6), date(2025, 1, 12)) == 5  # the weekend does not count
    assert services.working_days(date(2025, 1, 4), date(2025, 1, 5)) == 0  # Sat–Sun
    assert services.working_days(date(2025, 1, 1), date(2025, 12, 31)) == 261
    assert services.working_days(date(2025, 1, 10), date(2025, 1, 6)) == 0
    for start in (date(2025, 1, 1) + timedelta(days=n) for n in range(10)):  # against a day-by-day count
        for length in range(0, 30):
            end = start + timedelta(days=length)
            expected = sum((start + timedelta(days=d)).weekday() < 5 for d in range(length + 1))
            assert services.working_days(start, end) == expected


def test_a_mission_is_planned_with_working_days_unless_entered(twinning):
    manager = twinning["users"]["manager"]
    mission = services.create_mission(manager, data(twinning))
    assert (mission.status, mission.person_days, mission.person_days_entered) == ("planned", 10, False)
    entered = services.create_mission(manager, data(twinning, person_days=Decimal("3.5")))
    assert (entered.person_days, entered.person_days_entered) == (Decimal("3.5"), True)
    assert AuditEvent.objects.filter(action="create", target_type="missions.expertmission").count() == 2
    # The dates change: computed person-days follow them, entered ones stay.
    services.update_mission(manager, mission, {"end_date": date(2025, 9, 5)})
    services.update_mission(manager, entered, {"end_date": date(2025, 9, 5)})
    mission.refresh_from_db(), entered.refresh_from_db()
    assert (mission.person_days, entered.person_days) == (5, Decimal("3.5"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": date(2025, 8, 1)}, "end_date"),
        ({"person_days": 30}, "person_days"),
        ({"person_days": -1}, "person_days"),
    ],
)
def test_bad_dates_and_person_days_are_refused(twinning, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.create_mission(twinning["users"]["manager"], data(twinning, **overrides))
    assert field in error.value.message_dict


def test_the_expert_must_be_an_expert_and_the_component_of_the_project(twinning):
    manager = twinning["users"]["manager"]
    with pytest.raises(ValidationError) as error:
        services.create_mission(manager, data(twinning, expert=twinning["not_an_expert"]))
    assert "expert" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_mission(manager, data(twinning, result=twinning["foreign_component"]))
    assert "result" in error.value.message_dict


def test_only_the_organisers_staff_plan_missions(twinning):
    for name in ("caseworker_b", "donor", "analyst_oriental", "admin_oriental"):
        with pytest.raises(PermissionDenied):
            services.create_mission(twinning["users"][name], data(twinning))
    # An administrator of another organisation cannot plan one in the agency's name.
    with pytest.raises(PermissionDenied):
        services.create_mission(twinning["users"]["admin_a"], data(twinning))


def test_done_needs_the_end_passed_and_a_report_or_deliverables(twinning):
    manager = twinning["users"]["manager"]
    mission = services.create_mission(manager, data(twinning, deliverables=""))
    with pytest.raises(ValidationError) as error:
        services.transition(manager, mission, "complete", today=date(2025, 9, 12))
    assert len(error.value.messages) == 2  # not ended, no report
    assert [t.name for t in services.available_transitions(manager, mission, date(2025, 10, 1))] == ["cancel"]
    services.update_mission(manager, mission, {}, pdf())
    mission.refresh_from_db()
    assert "complete" in [t.name for t in services.available_transitions(manager, mission, date(2025, 10, 1))]
    services.transition(manager, mission, "complete", today=date(2025, 10, 1))
    mission.refresh_from_db()
    assert mission.status == "done"
    with pytest.raises(ValidationError):  # done is final: its dates and person-days are kept
        services.update_mission(manager, mission, {"end_date": date(2025, 9, 30)})
    with pytest.raises(ValidationError):
        services.transition(manager, mission, "cancel")
    with pytest.raises(ValidationError):
        services.transition(manager, mission, "no-such-step")
    assert AuditEvent.objects.filter(details__transition="complete").exists()


def test_a_viewer_who_may_not_manage_cannot_take_a_step(twinning):
    mission = twinning["missions"][4]  # planned
    with pytest.raises(Http404):  # admin_a sees the mission (territory) but manages for another organisation
        services.transition(twinning["users"]["admin_a"], mission, "cancel")
    assert services.available_transitions(twinning["users"]["admin_a"], mission) == []


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: pdf(size=services.REPORT_MAX_BYTES + 1), id="huge"),
        pytest.param(lambda: SimpleUploadedFile("report.pdf", b""), id="empty"),
        pytest.param(lambda: SimpleUploadedFile("report.exe", b"MZ\x90\x00" * 10), id="wrong-extension"),
        pytest.param(lambda: SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>"), id="fake-pdf"),
        pytest.param(lambda: office("report.docx", {"evil.txt": b"x"}), id="zip-not-docx"),
        pytest.param(lambda: SimpleUploadedFile("report.docx", b"PK\x03\x04broken"), id="broken-zip"),
        pytest.param(lambda: office("report.odt", {"mimetype": b"application/zip"}), id="zip-not-odt"),
    ],
)
def test_hostile_report_files_are_refused_with_a_message(twinning, upload):
    mission = twinning["missions"][4]
    with pytest.raises(ValidationError) as error:
        services.update_mission(twinning["users"]["manager"], mission, {}, upload())
    assert error.value.message_dict["report"]
    mission.refresh_from_db()
    assert not mission.report


def test_pdf_docx_and_odt_reports_are_kept_under_a_neutral_name(twinning):
    manager = twinning["users"]["manager"]
    mission = twinning["missions"][4]
    for upload in (
        pdf("Rapport Mme X.pdf"),
        office("r.docx", {"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}),
        office("r.odt", {"mimetype": b"application/vnd.oasis.opendocument.text"}),
    ):
        services.update_mission(manager, mission, {}, upload)
        mission.refresh_from_db()
        assert mission.report.name.rsplit("/", 1)[-1].startswith("report")
    assert services.report_of(manager, mission.pk) == mission


def test_the_report_is_served_only_to_who_may_see_the_mission(twinning):
    mission = twinning["missions"][0]
    services.update_mission(twinning["users"]["manager"], mission, {}, pdf())
    for name in ("admin_oriental", "donor", "caseworker_b"):  # MA-04 mission: out of their reach
        with pytest.raises(Http404):
            services.report_of(twinning["users"][name], mission.pk)
    with pytest.raises(Http404):  # no report: 404
        services.report_of(twinning["users"]["manager"], twinning["missions"][1].pk)


def test_lists_are_scoped_and_reads_audited(twinning):
    assert services.list_missions(twinning["users"]["manager"]).count() == 6
    oriental = services.list_missions(twinning["users"]["admin_oriental"])
    assert [m.territory.code for m in oriental] == ["MA-02"]
    assert services.list_missions(twinning["users"]["manager"], country="es").count() == 2
    assert services.list_missions(twinning["users"]["manager"], status="done", year=2025).count() == 4
    with pytest.raises(PermissionDenied):
        services.list_missions(twinning["users"]["donor"])
    with pytest.raises(Http404):
        services.get_mission(twinning["users"]["admin_oriental"], twinning["missions"][0].pk)
    services.get_mission(twinning["users"]["manager"], twinning["missions"][0].pk)
    assert AuditEvent.objects.filter(action="view", target_id=str(twinning["missions"][0].pk)).exists()


def rows(result) -> dict:
    return {r.key: (r.missions, r.experts, r.mission_days, r.visit_days) for r in result.rows}


def test_rollups_count_done_missions_distinct_experts_and_person_days(twinning):
    manager = twinning["users"]["manager"]
    by_project = services.rollup(manager, "project")
    assert rows(by_project) == {"twin": (4, 3, Decimal("12.5"), 0)}
    total = by_project.total
    assert (total.missions, total.experts, total.mission_days, total.person_days) == (
        4,
        3,
        Decimal("12.5"),
        12.5,
    )
    assert rows(services.rollup(manager, "quarter")) == {
        "2025-Q1": (1, 1, 5, 0),
        "2025-Q2": (3, 3, Decimal("7.5"), 0),
    }
    assert rows(services.rollup(manager, "country")) == {"ES": (1, 1, Decimal("2.5"), 0), "FR": (3, 2, 10, 0)}
    assert rows(services.rollup(manager, "component")) == {"C1": (4, 3, Decimal("12.5"), 0)}
    april = services.rollup(manager, "project", start=date(2025, 4, 1), end=date(2025, 4, 30))
    assert rows(april) == {"twin": (2, 2, Decimal("5.5"), 0)}
    with pytest.raises(ValidationError):
        services.rollup(manager, "sex")


def test_rollups_are_scoped_and_refused_without_the_right(twinning):
    assert services.rollup(twinning["users"]["analyst_oriental"], "project").total.missions == 1
    assert services.rollup(twinning["users"]["donor"], "project").total.missions == 4
    with pytest.raises(PermissionDenied):
        services.rollup(twinning["users"]["caseworker_b"], "project")


def test_study_visits_count_attended_participants_times_days(twinning, territory):
    visit = Event.objects.create(
        type=EventType.STUDY_VISIT,
        organiser=twinning["agency"],
        project=twinning["project"],
        result=twinning["component"],
        name_fr="Visite",
        start_date=date(2025, 3, 10),
        end_date=date(2025, 3, 14),
        territory=territory("MA-04"),
        country="GB",
    )
    sessions = [
        Session.objects.create(
            event=visit,
            starts_at=datetime(2025, 3, 10 + d, 9, tzinfo=UTC),
            ends_at=datetime(2025, 3, 10 + d, 17, tzinfo=UTC),
        )
        for d in range(5)
    ]
    for number in range(4):
        contact = Contact.objects.create(
            managed_by=twinning["agency"],
            territory=territory("04.421"),
            first_name_latin=f"P{number}",
            sex="M",
            organisation_type="ofppt",
        )
        registration = Registration.objects.create(event=visit, contact=contact)
        for session in sessions[: [5, 1, 0, 2][number]]:  # the third never came
            Attendance.objects.create(registration=registration, session=session, source="manual")
    manager = twinning["users"]["manager"]
    result = services.rollup(manager, "project")
    assert rows(result) == {"twin": (4, 3, Decimal("12.5"), 15)}  # 3 attended × 5 days
    assert result.total.person_days == Decimal("27.5")
    assert rows(services.rollup(manager, "quarter"))["2025-Q1"] == (1, 1, 5, 15)
    assert services.rollup(manager, "country").total.visit_days == 15
    # A cancelled visit or another type of event does not count.
    visit.is_cancelled = True
    visit.save()
    assert services.rollup(manager, "project").total.visit_days == 0
