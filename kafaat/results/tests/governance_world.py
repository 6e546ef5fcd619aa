"""A hand-built governance programme for the governance measures, with answers worked out by hand in
test_governance_measures.py: events (one cancelled, one part of another, one of 2024), sessions, registrants
(one contact merged into another: one person), attendance, knowledge test scores, a trainer certified, expert
missions and a working group's actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from kafaat.contacts.models import Contact
from kafaat.core.models import Organisation, Project
from kafaat.events.models import Attendance, Event, KnowledgeScore, Registration, Session
from kafaat.governance.models import Action, Meeting, Outcome, WorkingGroup
from kafaat.missions.models import ExpertMission
from kafaat.missions.services import working_days
from kafaat.training.models import Sector
from kafaat.training.sectors import load_sectors

PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


def build_governance(make_organisation, territory) -> dict:
    if not Sector.objects.exists():  # transactional tests flush the data migration's rows
        load_sectors(Sector)
    agency = make_organisation("gov-agency", "04.421", type=Organisation.Type.IMPLEMENTING_AGENCY)
    project = Project.objects.create(code="gov", name_fr="Gouvernance", start_date=date(2024, 1, 1))

    def contact(name, sex, kind, *, trainer=False, expert=False, country="MA", where="04.421", merged=None):
        return Contact.objects.create(
            managed_by=agency,
            territory=territory(where),
            first_name_latin=name,
            sex=sex,
            organisation_type=kind,
            is_trainer=trainer,
            is_expert=expert,
            country=country,
            merged_into=merged,
        )

    c1 = contact("C1", "F", "ngo")
    c2 = contact("C2", "M", "employer")
    c3 = contact("C3", "F", "ofppt", trainer=True, where="02.411")
    c4 = contact("C4", "M", "ofppt", trainer=True)
    c5 = contact("C5", "F", "ngo", merged=c1)  # a duplicate of C1: the same person
    e1 = contact("E1", "F", "other", expert=True, country="FR")
    e2 = contact("E2", "M", "other", expert=True, country="ES")

    def event(name, kind, start, end, region, *, parent=None, cancelled=False, sector=None, sessions=1):
        made = Event.objects.create(
            name_fr=name,
            type=kind,
            organiser=agency,
            project=project,
            start_date=start,
            end_date=end,
            territory=territory(region),
            parent=parent,
            is_cancelled=cancelled,
            sector=Sector.objects.get(code=sector) if sector else None,
        )
        days = (end - start).days + 1
        made.test_sessions = [
            Session.objects.create(
                event=made,
                position=n,
                starts_at=datetime.combine(start + timedelta(days=n * days // sessions), time(9), tzinfo=UTC),
                ends_at=datetime.combine(start + timedelta(days=n * days // sessions), time(12), tzinfo=UTC),
            )
            for n in range(sessions)
        ]
        return made

    def register(made, who, status, attended=0, **fields):
        registration = Registration.objects.create(event=made, contact=who, status=status, **fields)
        for session in made.test_sessions[:attended]:
            Attendance.objects.create(registration=registration, session=session, source="manual")
        return registration

    a = event("A", "workshop", date(2025, 3, 3), date(2025, 3, 4), "MA-02", sessions=4)
    register(a, c1, "attended", 4)
    register(a, c2, "attended", 2)
    register(a, c3, "no_show")
    event("A-day-2", "workshop", date(2025, 3, 4), date(2025, 3, 4), "MA-02", parent=a, sessions=0)
    b = event("B", "conference", date(2025, 5, 10), date(2025, 5, 10), "MA-01")
    register(b, c5, "attended", 1)
    register(b, c2, "attended", 1)
    register(b, c4, "invited")
    c = event(
        "C", "training_module", date(2025, 6, 2), date(2025, 6, 3), "MA-04", sector="electrical", sessions=2
    )
    r3 = register(c, c3, "attended", 2, completion_certified=True, completion_date=date(2025, 6, 3))
    r4 = register(c, c4, "attended", 1)
    for registration, pre, post in ((r3, 40, 70), (r4, 50, 60)):
        KnowledgeScore.objects.create(registration=registration, phase="pre", score=pre)
        KnowledgeScore.objects.create(registration=registration, phase="post", score=post)
    d = event("D", "conference", date(2025, 7, 1), date(2025, 7, 1), "MA-02", cancelled=True)
    register(d, c2, "attended", 1)
    f = event("F", "seminar", date(2024, 11, 5), date(2024, 11, 5), "MA-02")
    register(f, c2, "attended", 1)
    g = event("G", "study_visit", date(2025, 9, 1), date(2025, 9, 3), "MA-02", sessions=3)
    register(g, c1, "attended", 3)
    register(g, c4, "attended", 1)
    register(g, c2, "no_show")

    def mission(expert, start, end, status="done"):
        return ExpertMission.objects.create(
            expert=expert,
            organiser=agency,
            project=project,
            territory=territory("MA-04"),
            purpose="x",
            start_date=start,
            end_date=end,
            person_days=working_days(start, end),
            status=status,
        )

    mission(e1, date(2025, 1, 6), date(2025, 1, 10))  # 5
    mission(e1, date(2025, 4, 7), date(2025, 4, 9))  # 3
    late = mission(e2, date(2025, 4, 14), date(2025, 4, 20))
    late.person_days = 2.5
    late.save()
    mission(e2, date(2025, 10, 6), date(2025, 10, 10), status="planned")

    group = WorkingGroup.objects.create(
        code="gtr-test",
        name_fr="GTR",
        territory=territory("MA-02"),
        secretariat=agency,
        project=project,
        start_date=date(2024, 1, 1),
    )
    meeting = Meeting.objects.create(
        group=group, title="Réunion", starts_at=datetime(2025, 1, 15, 9, tzinfo=UTC)
    )
    for due, status, closed in (
        (date(2025, 3, 31), "done", date(2025, 3, 20)),
        (date(2025, 4, 30), "done", date(2025, 5, 5)),
        (date(2025, 6, 30), "open", None),
        (date(2025, 7, 31), "dropped", None),
        (date(2026, 1, 31), "done", date(2025, 12, 1)),
    ):
        outcome = Outcome.objects.create(meeting=meeting, kind="action", text=f"Action {due}")
        Action.objects.create(
            outcome=outcome, group=group, owner=c2, due_date=due, status=status, closed_on=closed
        )
    return {"project": project, "agency": agency}
