"""Expert missions: person-days, the workflow, the report file, and the roll-ups (missions, distinct experts,
person-days of missions and of study visits) by project, component, quarter and expert's country.

Person-days are the working days (Monday to Friday) between the start and end dates, both included, unless
entered by hand (a part-time mission, a weekend worked). A study visit counts, for every participant who
attended at least one of its sessions, the visit's calendar days (a visit abroad is spent there every day).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.models import Organisation, Project
from kafaat.events.access_rules import VIEW_EVENTS
from kafaat.events.models import Attendance, Event, EventType
from kafaat.missions import workflow
from kafaat.missions.access_rules import MANAGE_MISSIONS, VIEW_MISSIONS, VIEW_ROLLUP
from kafaat.missions.models import ExpertMission

REPORT_MAX_BYTES = 10 * 1024 * 1024
REPORT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}
EDITABLE_FIELDS = (
    "expert",
    "organiser",
    "project",
    "result",
    "territory",
    "beneficiary_institution",
    "purpose",
    "start_date",
    "end_date",
    "deliverables",
)


# --- Person-days --------------------------------------------------------------------------------------------


def working_days(start: date, end: date) -> int:
    """Monday–Friday days from `start` to `end`, both included (0 when end is before start)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def _person_days(data: dict) -> tuple[Decimal, bool]:
    entered = data.get("person_days")
    if entered not in (None, ""):
        value = Decimal(str(entered)).quantize(Decimal("0.1"))
        if value < 0 or value > Decimal((data["end_date"] - data["start_date"]).days + 1):
            raise ValidationError(
                {"person_days": _("Person-days must be between 0 and the number of days of the mission.")}
            )
        return value, True
    return Decimal(working_days(data["start_date"], data["end_date"])), False


# --- The report file ----------------------------------------------------------------------------------------


def check_report(upload: UploadedFile) -> str:
    """The report's extension if it is a PDF, DOCX or ODT of at most 10 MB (content checked, not only the
    name), else ValidationError saying what is wrong."""
    if upload.size is None or upload.size > REPORT_MAX_BYTES:
        raise ValidationError({"report": _("The report is larger than 10 MB.")})
    if upload.size == 0:
        raise ValidationError({"report": _("The report file is empty.")})
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in REPORT_TYPES:
        raise ValidationError({"report": _("The report must be a PDF, DOCX or ODT file.")})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    valid = False
    if extension == ".pdf":
        valid = head.startswith(b"%PDF-")
    elif head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if extension == ".docx":
                    valid = "[Content_Types].xml" in names and "word/document.xml" in names
                else:
                    valid = "mimetype" in names and archive.read("mimetype") == REPORT_TYPES[".odt"].encode()
        except (zipfile.BadZipFile, KeyError, OSError):
            valid = False
        upload.seek(0)
    if not valid:
        raise ValidationError({"report": _("The file's content is not a PDF, DOCX or ODT document.")})
    return extension


# --- Reading ------------------------------------------------------------------------------------------------


def missions_for(user) -> QuerySet[ExpertMission]:
    return access.scoped(user, VIEW_MISSIONS, ExpertMission.objects.all()).select_related(
        "expert", "project", "organiser", "territory", "result"
    )


def list_missions(
    user,
    *,
    project: str | None = None,
    status: str | None = None,
    country: str | None = None,
    year: int | None = None,
    query: str | None = None,
) -> QuerySet[ExpertMission]:
    if not access.has_permission(user, VIEW_MISSIONS):
        raise access.Refused(VIEW_MISSIONS)
    missions = missions_for(user)
    if project:
        missions = missions.filter(project__code=project)
    if status:
        missions = missions.filter(status=status)
    if country:
        missions = missions.filter(expert__country=country.upper())
    if year:
        missions = missions.filter(start_date__year=year)
    if query:
        missions = missions.filter(
            Q(purpose__icontains=query)
            | Q(beneficiary_institution__icontains=query)
            | Q(expert__search_name__icontains=query.lower())
        )
    return missions.order_by("-start_date", "id")


def record_listed(user, missions: Iterable[ExpertMission], *, page: int | None = None) -> None:
    """One `list` event for a page of missions shown (each names an expert: personal data)."""
    audit.record_bulk(audit.Action.LIST, user, ExpertMission, [m.pk for m in missions],
                      details={"shown": "missions", "page": page})  # fmt: skip


def get_mission(user, pk: int) -> ExpertMission:
    mission = access.get_object_or_404(user, VIEW_MISSIONS, missions_for(user), pk=pk)
    audit.record(audit.Action.VIEW, user, mission)  # the expert is a person: who read their mission is kept
    return mission


def can_manage(user, mission: ExpertMission | None = None) -> bool:
    return access.has_permission(user, MANAGE_MISSIONS, mission)


def organisers_for(user) -> QuerySet[Organisation]:
    return access.organisations_where(user, MANAGE_MISSIONS)


# --- Changes ------------------------------------------------------------------------------------------------


def _clean(user, data: dict) -> dict:
    cleaned = {k: data[k] for k in EDITABLE_FIELDS if k in data}
    if cleaned.get("start_date") and cleaned.get("end_date") and cleaned["end_date"] < cleaned["start_date"]:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    organiser = cleaned.get("organiser")
    if organiser is not None and not organisers_for(user).filter(pk=organiser.pk).exists():
        raise access.Refused(MANAGE_MISSIONS)
    expert = cleaned.get("expert")
    if expert is not None and not expert.is_expert:
        raise ValidationError({"expert": _("This contact is not marked as an expert in the directory.")})
    result = cleaned.get("result")
    project = cleaned.get("project")
    if result is not None and project is not None and result.project_id != project.pk:
        raise ValidationError({"result": _("This component belongs to another project.")})
    return cleaned


@transaction.atomic
def create_mission(user, data: dict, report: UploadedFile | None = None) -> ExpertMission:
    if not organisers_for(user).exists():
        raise access.Refused(MANAGE_MISSIONS)
    cleaned = _clean(user, data)
    cleaned["person_days"], cleaned["person_days_entered"] = _person_days({**data, **cleaned})
    if report is not None:
        check_report(report)
    mission = ExpertMission(**cleaned, created_by=user if user.is_authenticated else None)
    if report is not None:
        mission.report.save(_report_name(report), report, save=False)
    mission.save()
    audit.record(audit.Action.CREATE, user, mission, details={"person_days": str(mission.person_days)})
    return mission


@transaction.atomic
def update_mission(
    user, mission: ExpertMission, data: dict, report: UploadedFile | None = None
) -> ExpertMission:
    mission = access.get_object_or_404(
        user, MANAGE_MISSIONS, ExpertMission.objects.select_for_update(), pk=mission.pk
    )
    if mission.status != ExpertMission.Status.PLANNED and any(
        k in data for k in ("start_date", "end_date", "person_days", "expert")
    ):
        raise ValidationError(
            _("A done or cancelled mission's expert, dates and person-days are kept as they were.")
        )
    before = {k: str(getattr(mission, k)) for k in (*EDITABLE_FIELDS, "person_days")}
    cleaned = _clean(user, data)
    for name, value in cleaned.items():
        setattr(mission, name, value)
    if mission.end_date < mission.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if mission.status == ExpertMission.Status.PLANNED:
        current = {
            "start_date": mission.start_date,
            "end_date": mission.end_date,
            "person_days": data.get("person_days")
            if "person_days" in data
            else (mission.person_days if mission.person_days_entered else None),
        }
        mission.person_days, mission.person_days_entered = _person_days(current)
    if report is not None:
        check_report(report)
        mission.report.save(_report_name(report), report, save=False)
    mission.save()
    after = {k: str(getattr(mission, k)) for k in (*EDITABLE_FIELDS, "person_days")}
    changes = audit.changes_between(before, after)
    if report is not None:
        changes["report"] = "replaced"
    audit.record(audit.Action.UPDATE, user, mission, details=changes)
    return mission


def _report_name(upload: UploadedFile) -> str:
    # The stored name says nothing of the uploader's file name (which may hold a person's name).
    return f"report{PurePath(upload.name or '').suffix.lower()}"


def available_transitions(
    user, mission: ExpertMission, today: date | None = None
) -> list[workflow.Transition]:
    """The transitions the user may take on the mission now."""
    today = today or timezone.localdate()
    if not can_manage(user, mission):
        return []
    return [t for t in workflow.TRANSITIONS.values() if not t.unmet(mission, today)]


@transaction.atomic
def transition(user, mission: ExpertMission, name: str, today: date | None = None) -> ExpertMission:
    step = workflow.TRANSITIONS.get(name)
    if step is None:
        raise ValidationError(_("Unknown step."))
    mission = access.get_object_or_404(
        user, step.permission, ExpertMission.objects.select_for_update(), pk=mission.pk
    )
    unmet = step.unmet(mission, today or timezone.localdate())
    if unmet:
        raise ValidationError([str(reason) for reason in unmet])
    previous, mission.status = mission.status, step.target
    mission.save(update_fields=["status"])
    audit.record(
        audit.Action.UPDATE, user, mission, details={"transition": name, "from": previous, "to": step.target}
    )
    return mission


def report_of(user, pk: int) -> ExpertMission:
    """The mission whose report the user may download (404 out of scope or without a report); audited."""
    mission = access.get_object_or_404(user, VIEW_MISSIONS, missions_for(user), pk=pk)
    if not mission.report:
        raise access.OutOfScope(ExpertMission, pk, VIEW_MISSIONS)
    audit.record(audit.Action.VIEW, user, mission, details={"file": "report"})
    return mission


# --- Roll-ups -----------------------------------------------------------------------------------------------

GROUPINGS = ("project", "component", "quarter", "country")


@dataclass
class RollupRow:
    key: str  # the project's or component's code, the quarter ("2025-Q3"), the country code; "" = not set
    label: str
    missions: int = 0
    experts: int = 0
    mission_days: Decimal = Decimal(0)
    visit_days: Decimal = Decimal(0)
    experts_seen: set = field(default_factory=set, repr=False)

    @property
    def person_days(self) -> Decimal:
        return self.mission_days + self.visit_days


@dataclass
class Rollup:
    by: str
    rows: list[RollupRow]
    total: RollupRow


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _mission_key(mission: dict, by: str) -> tuple[str, str]:
    if by == "project":
        return mission["project__code"], mission["project__name_fr"] or mission["project__code"]
    if by == "component":
        code = mission["result__code"] or ""
        return code, mission["result__name_fr"] or code
    if by == "quarter":
        return (quarter_of(mission["end_date"]),) * 2
    return (mission["expert__country"],) * 2


def study_visit_days(
    user, *, project: str | None = None, start: date | None = None, end: date | None = None
) -> QuerySet:
    """Study visits in the user's reach (not cancelled, in the period by their end date), each with the
    number of its participants who attended at least one session (`attended`)."""
    visits = access.scoped(
        user, VIEW_EVENTS, Event.objects.filter(type=EventType.STUDY_VISIT, is_cancelled=False)
    )
    if project:
        visits = visits.filter(project__code=project)
    if start:
        visits = visits.filter(end_date__gte=start)
    if end:
        visits = visits.filter(end_date__lte=end)
    attended = Attendance.objects.filter(registration__event_id__in=visits.values("pk"))
    counts = dict(
        attended.values("registration__event_id")
        .annotate(n=Count("registration_id", distinct=True))
        .values_list("registration__event_id", "n")
    )
    return [
        (visit, counts.get(visit.pk, 0))
        for visit in visits.select_related("project", "result").order_by("start_date", "id")
    ]


def visit_days_of(visit: Event) -> int:
    return (visit.end_date - visit.start_date).days + 1


def rollup(
    user,
    by: str = "project",
    *,
    project: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Rollup:
    """Done missions (by their end date in the period), distinct experts and person-days, and the study
    visits' person-days, grouped `by` project, component, quarter or the expert's country. Planned and
    cancelled missions never count."""
    if by not in GROUPINGS:
        raise ValidationError(_("Unknown grouping."))
    if not access.has_permission(user, VIEW_ROLLUP):
        raise access.Refused(VIEW_ROLLUP)
    missions = access.scoped(
        user, VIEW_ROLLUP, ExpertMission.objects.filter(status=ExpertMission.Status.DONE)
    )
    if project:
        missions = missions.filter(project__code=project)
    if start:
        missions = missions.filter(end_date__gte=start)
    if end:
        missions = missions.filter(end_date__lte=end)
    rows: dict[str, RollupRow] = {}
    total = RollupRow("", _("Total"))
    values = missions.values(
        "expert_id",
        "person_days",
        "end_date",
        "project__code",
        "project__name_fr",
        "result__code",
        "result__name_fr",
        "expert__country",
    )
    for mission in values.iterator(chunk_size=2000):
        key, label = _mission_key(mission, by)
        row = rows.setdefault(key, RollupRow(key, label))
        for target in (row, total):
            target.missions += 1
            target.mission_days += mission["person_days"]
            target.experts_seen.add(mission["expert_id"])
    if by != "country":  # a study visit's participants are Moroccan officials, not experts from a country
        for visit, attended in _visits_in_reach(user, project, start, end):
            days = Decimal(attended * visit_days_of(visit))
            if by == "project":
                key, label = (
                    visit.project.code if visit.project else "",
                    visit.project.name_fr if visit.project else "",
                )
            elif by == "component":
                key = visit.result.code if visit.result else ""
                label = visit.result.name_fr if visit.result else ""
            else:
                key = label = quarter_of(visit.end_date)
            row = rows.setdefault(key, RollupRow(key, label))
            row.visit_days += days
            total.visit_days += days
    else:
        for _visit, attended in _visits_in_reach(user, project, start, end):
            total.visit_days += Decimal(attended * visit_days_of(_visit))
    for row in (*rows.values(), total):
        row.experts = len(row.experts_seen)
    return Rollup(by, sorted(rows.values(), key=lambda r: (r.key == "", r.key)), total)


def _visits_in_reach(user, project, start, end):
    if not access.has_permission(user, VIEW_EVENTS):
        return []
    return study_visit_days(user, project=project, start=start, end=end)


def projects_for_rollup(user) -> QuerySet[Project]:
    codes = access.scoped(user, VIEW_ROLLUP, ExpertMission.objects.all()).values("project_id")
    return Project.objects.filter(pk__in=codes).order_by("code")


def rollup_rows_for_export(rollup_: Rollup) -> Iterable[list]:
    for row in (*rollup_.rows, rollup_.total):
        yield [
            row.label or row.key,
            row.missions,
            row.experts,
            float(row.mission_days),
            float(row.visit_days),
            float(row.person_days),
        ]


def require_manage(user) -> None:
    if not organisers_for(user).exists():
        raise PermissionDenied
