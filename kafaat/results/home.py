"""The programme manager's home panel (registered from ResultsConfig.ready): the logframe progress of their
projects at a glance, with the indicators off track. Figures come from `services.project_results`, the
dashboard's own: the engine over the current snapshot, suppressed for any reader the dashboard suppresses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import Project, Role
from kafaat.core.pages import home
from kafaat.results import exports, services

PROJECTS_SHOWN = 3  # each project is one pass of the engine: the home page shows the first few
# Off track: an indicator whose progress is below this share of the progress expected by now (the time
# elapsed from the project's start to its target's end), once a tenth of that time has passed.
OFF_TRACK_SHARE = 0.8
TOO_EARLY = 0.1
OFF_TRACK_LISTED = 5  # the furthest behind; the dashboard shows them all


@dataclass(frozen=True)
class OffTrack:
    row: services.IndicatorRow
    expected: float  # % of the target expected by now


@dataclass
class ProjectProgress:
    project: Project
    results: services.ProjectResults
    chart: str  # the dashboard's progress chart, as SVG ("" when no indicator has a target)
    off_track: list[OffTrack] = field(default_factory=list)  # the furthest behind first
    may_manage: bool = False

    @property
    def off_track_listed(self) -> list[OffTrack]:
        return self.off_track[:OFF_TRACK_LISTED]

    @property
    def off_track_more(self) -> int:
        return max(0, len(self.off_track) - OFF_TRACK_LISTED)

    @property
    def measured(self) -> bool:
        """Whether some computed figure exists (False before the first snapshot)."""
        return self.results.taken_at is not None or all(r.indicator.is_manual for r in self.results.rows)


@dataclass
class LogframeProgress:
    projects: list[ProjectProgress]
    more: int  # projects of the user not shown


def expected_progress(project: Project, row: services.IndicatorRow, today: date) -> float | None:
    """The % of the row's target expected by `today` if progress were even from the project's start."""
    if row.target is None:
        return None
    span = (row.target.period_end - project.start_date).days
    if span <= 0:
        return 100.0
    return round(100 * min(1.0, max(0.0, (today - project.start_date).days / span)), 1)


def off_track(project: Project, rows: list[services.IndicatorRow], today: date) -> list[OffTrack]:
    late = []
    for row in rows:
        expected = expected_progress(project, row, today)
        if row.progress is None or expected is None or expected < 100 * TOO_EARLY:
            continue  # no target, no value (suppressed or not measured), or too early to tell
        if row.progress < OFF_TRACK_SHARE * expected:
            late.append(OffTrack(row, expected))
    return sorted(late, key=lambda item: item.row.progress - item.expected)


def logframe_progress(actor, today: date | None = None) -> LogframeProgress | None:
    if not services.may_read(actor):
        return None
    today = today or timezone.localdate()
    projects = services.visible_projects(actor).filter(is_active=True)
    shown = list(projects[: PROJECTS_SHOWN + 1])
    progress = []
    for project in shown[:PROJECTS_SHOWN]:
        results = services.project_results(actor, project)
        progress.append(
            ProjectProgress(
                project=project,
                results=results,
                chart=exports.progress_svg(results, (get_language() or "fr")[:2]),
                off_track=off_track(project, results.rows, today),
                may_manage=services.may_manage(actor, project),
            )
        )
    more = projects.count() - PROJECTS_SHOWN if len(shown) > PROJECTS_SHOWN else 0
    return LogframeProgress(progress, more)


def register() -> None:
    home.register(
        home.HomePanel(
            key="logframe",
            title=_("Logframe progress"),
            template="results/home/_logframe.html",
            figures_of=logframe_progress,
            roles=frozenset({Role.PROGRAMME_MANAGER}),
            order=50,
        )
    )
