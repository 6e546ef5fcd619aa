"""Demo working groups: the two pilot GTR (Oriental, Tanger-Tétouan-Al Hoceïma), their members from the demo
directory, and meetings dated from today — one closed with minutes, decisions and actions, one held (minutes
being written), one planned, and in the Oriental a cancelled one — with actions done on time, done late, open
and overdue, so that the secretariat's home page has something to chase.

Idempotent: the groups are upserted by code; a group's meetings are written only when it has none.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kafaat.contacts.models import Contact
from kafaat.core import audit
from kafaat.core.models import Organisation, Project, Territory
from kafaat.governance.models import (
    Action,
    AgendaItem,
    GroupMembership,
    Meeting,
    MeetingParticipant,
    MinutesRevision,
    Outcome,
    WorkingGroup,
)
from kafaat.synth.demo.contacts import demo_contacts

GROUPS = [  # code, region, secretariat, contacts key, French, Arabic, English names, mandate
    ("gtr-oriental", "MA-02", "kafaat-oriental", "gtr_oriental",
     "Groupe de travail régional de l'Oriental", "مجموعة العمل الجهوية لجهة الشرق",
     "Oriental regional working group",
     "Coordonner l'offre de formation professionnelle avec les besoins des employeurs de la région, "
     "suivre les indicateurs du projet et proposer les priorités du plan régional."),
    ("gtr-tth", "MA-01", "kafaat-tth", "gtr_tth",
     "Groupe de travail régional Tanger-Tétouan-Al Hoceïma", "مجموعة العمل الجهوية لجهة طنجة تطوان الحسيمة",
     "Tanger-Tétouan-Al Hoceïma regional working group",
     "Aligner la formation sur les besoins des zones industrielles (automobile, aéronautique, textile), "
     "suivre les indicateurs du projet et préparer le plan régional."),
]  # fmt: skip
ROLES = ["chair", "member", "member", "member", "member", "member", "observer", "secretariat"]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def load_governance_demo(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    people = demo_contacts()
    created = {"working_groups": 0, "meetings": 0}
    project = Project.objects.filter(code="kafaat-emploi").first()
    for code, region, secretariat, key, name_fr, name_ar, name_en, mandate in GROUPS:
        group, was_created = WorkingGroup.objects.update_or_create(
            code=code,
            defaults={
                "name_fr": name_fr, "name_ar": name_ar, "name_en": name_en,
                "kind": WorkingGroup.Kind.REGIONAL,
                "territory": Territory.objects.get(code=region),
                "secretariat": Organisation.objects.get(code=secretariat), "project": project,
                "mandate": mandate, "start_date": date(2025, 1, 15),
            },
        )  # fmt: skip
        created["working_groups"] += was_created
        if group.meetings.exists():
            continue
        members = people[key]
        for index, contact in enumerate(members):
            GroupMembership.objects.create(
                group=group, contact=contact, role=ROLES[index % len(ROLES)], start_date=date(2025, 1, 15),
                end_date=date(2025, 12, 31) if index == len(members) - 1 else None,
            )  # fmt: skip
        created["meetings"] += _meetings(group, members, today, cancelled=region == "MA-02")
        audit.record(audit.Action.CREATE, None, group, details={"source": "demo"})
    return created


def _meetings(group: WorkingGroup, members: list[Contact], today: date, *, cancelled: bool) -> int:
    chair, ofppt, wilaya, employers = members[0], members[1], members[2], members[3]
    # 1. Closed, about three months ago: minutes, decisions, actions (one done on time, one done late, one
    # still open and overdue: carried to every meeting since).
    first_day = today - timedelta(days=95)
    closed = _meeting(group, "Session ordinaire — trimestre 1", first_day, Meeting.Status.CLOSED, members)
    _agenda(closed, [("Lancement du GTR et règlement intérieur", chair, 30),
                     ("Présentation de l'offre de formation régionale", ofppt, 45),
                     ("Besoins en compétences des employeurs", employers, 45)])  # fmt: skip
    MinutesRevision.objects.create(meeting=closed, number=1, text=(
        "Ouverture de la séance par la présidence.\nAdoption du règlement intérieur.\n"
        "L'OFPPT présente l'offre de formation 2025-2026."))  # fmt: skip
    MinutesRevision.objects.create(meeting=closed, number=2, text=(
        "Ouverture de la séance par la présidence.\nAdoption du règlement intérieur à l'unanimité.\n"
        "L'OFPPT présente l'offre de formation 2025-2026.\n"
        "La CGEM présente les résultats de l'enquête sur les besoins des employeurs."))  # fmt: skip
    Outcome.objects.create(meeting=closed, kind=Outcome.Kind.INFORMATION, position=1,
                           text="L'offre de formation 2025-2026 est présentée et discutée.")  # fmt: skip
    Outcome.objects.create(meeting=closed, kind=Outcome.Kind.DECISION, position=2,
                           text="Le règlement intérieur du GTR est adopté.")  # fmt: skip
    _action(closed, 3, "Transmettre la cartographie des filières par province", ofppt,
            first_day + timedelta(days=30), Action.Status.DONE, first_day + timedelta(days=25))  # fmt: skip
    _action(closed, 4, "Consolider l'enquête sur les besoins des employeurs", employers,
            first_day + timedelta(days=30), Action.Status.DONE, first_day + timedelta(days=48))  # fmt: skip
    _action(closed, 5, "Désigner les points focaux provinciaux", wilaya,
            first_day + timedelta(days=45), Action.Status.IN_PROGRESS, None)  # fmt: skip
    closed.closed_at = _at(first_day + timedelta(days=7))
    closed.save(update_fields=["closed_at"])
    count = 1
    if cancelled:
        _meeting(group, "Session extraordinaire — visite de terrain", today - timedelta(days=60),
                 Meeting.Status.CANCELLED, members)  # fmt: skip
        count += 1
    # 2. Held two weeks ago: minutes being written, an action decided and already overdue.
    held_day = today - timedelta(days=14)
    held = _meeting(group, "Session ordinaire — trimestre 2", held_day, Meeting.Status.HELD, members)
    _agenda(held, [("Suivi des actions de la session précédente", chair, 20),
                   ("Indicateurs du projet: premiers résultats", ofppt, 40)])  # fmt: skip
    MinutesRevision.objects.create(meeting=held, number=1, text="Projet de compte rendu — à compléter.")
    decision = "Un atelier de collecte des données précédera la session suivante."
    Outcome.objects.create(meeting=held, kind=Outcome.Kind.DECISION, position=1, text=decision)
    _action(held, 2, "Proposer les dates de l'atelier de collecte des données", chair,
            today - timedelta(days=2), Action.Status.OPEN, None)  # fmt: skip
    _action(held, 3, "Partager le tableau de bord régional avec les membres", ofppt,
            today + timedelta(days=20), Action.Status.OPEN, None)  # fmt: skip
    # 3. Planned in three weeks: agenda only; the open actions are carried to it.
    planned = _meeting(group, "Session ordinaire — trimestre 3", today + timedelta(days=21),
                       Meeting.Status.PLANNED, members, attended=False)  # fmt: skip
    _agenda(planned, [("Suivi des actions ouvertes", chair, 20), ("Priorités du plan régional", wilaya, 60)])
    return count + 2


def _meeting(group, title, day, status, members, *, attended: bool = True) -> Meeting:
    meeting = Meeting.objects.create(
        group=group, title=title, starts_at=_at(day), ends_at=_at(day, 13), status=status,
        venue="Siège du Conseil régional",
    )  # fmt: skip
    MeetingParticipant.objects.bulk_create(
        MeetingParticipant(meeting=meeting, contact=contact, invited=True,
                           attended=attended and status in ("held", "closed") and index % 4 != 3)
        for index, contact in enumerate(members[:-1])
    )  # fmt: skip
    return meeting


def _agenda(meeting: Meeting, items) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting, position=index, title=title, presenter=presenter, duration_minutes=minutes
        )
        for index, (title, presenter, minutes) in enumerate(items, start=1)
    )


def _action(meeting, position, text, owner, due, status, closed_on) -> Action:
    outcome = Outcome.objects.create(meeting=meeting, kind=Outcome.Kind.ACTION, position=position, text=text)
    return Action.objects.create(
        outcome=outcome, group=meeting.group, owner=owner, due_date=due, status=status, closed_on=closed_on
    )
