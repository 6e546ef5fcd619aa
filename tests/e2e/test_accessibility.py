"""axe-core over the main pages of every role, in Arabic and in French: no serious or critical violation.

axe-core comes from the npm registry with a committed lock file (package.json, `make install`; ADR
"axe-core"). It is injected into every page of a browser context before the page's own scripts run, then
`axe.run()` checks the page as the browser laid it out (contrast, names, ARIA, tables, language…). One
browser for the session, one context per role; the data is built once per language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kafaat.core.models import Job, Project
from kafaat.core.pages import charts
from kafaat.labour.models import Occupation
from kafaat.labour.models import Sector as Isic
from kafaat.labour.reference import load_occupations
from kafaat.labour.reference import load_sectors as load_isic
from kafaat.observatory import dashboard, snapshot, warehouse
from kafaat.observatory.tests.gap_fixture import build_gap_world
from kafaat.pathways import services as pathways
from kafaat.registry import services as registry
from kafaat.results.models import Indicator, LogframeNode, Target
from kafaat.results.tests.fixtures import PERIOD, build_programme
from kafaat.training.models import Sector
from kafaat.training.sectors import load_sectors

PASSWORD = "A-long-test-password-1"  # the world fixture's
SERIOUS = ("serious", "critical")
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
# The main pages of each role ({person}, {project}, {ngo}: filled in from the data built).
PAGES = {
    "caseworker_a": ["/", "/people/", "/people/{person}/", "/people/new/", "/caseload/", "/referrals/"],
    "manager": ["/", "/results/", "/results/{project}/", "/observatory/?year=2025"],
    "analyst_oriental": ["/", "/observatory/?year=2025", "/open-data/", "/open-data/publish/"],
    "admin_a": ["/", "/jobs/", "/audit/", "/organisations/{ngo}/manage/", "/people/duplicates/"],
    "national": [
        "/", "/jobs/", "/observatory/warehouse/", "/admin/", "/admin/core/organisation/",
        "/admin/core/organisation/{ngo}/change/", "/admin/core/membership/add/", "/admin/auth/user/",
    ],
}  # fmt: skip


def _reference_rows() -> None:
    """The data migrations' rows that an earlier transactional (live server) test flushed."""
    if not Occupation.objects.exists():
        load_occupations(Occupation)
        load_isic(Isic)
    if not Sector.objects.exists():
        load_sectors(Sector)


def _build(world, make_organisation, territory) -> dict[str, object]:
    """A little of everything the pages show: a person with a pathway, a referral each way, a project with a
    logframe, supply and demand for the observatory, a failed job; then the warehouse snapshot."""
    _reference_rows()
    build_gap_world(make_organisation, territory)
    programme = build_programme(make_organisation, territory).project
    programme.participants.add(world["agency"])
    impact = LogframeNode.objects.create(project=programme, level="impact", code="IMP", name_fr="Impact",
                                         name_ar="الأثر")  # fmt: skip
    registered = Indicator.objects.create(project=programme, node=impact, code="REG", name_fr="Inscrits",
                                          name_ar="المسجلون", measure="people_registered",
                                          disaggregations=["sex"])  # fmt: skip
    Target.objects.create(indicator=registered, period_start=PERIOD[0], period_end=PERIOD[1], value=40)

    today = timezone.localdate()
    project = Project.objects.create(
        code="tamkine", name_fr="Tamkine", start_date=today - timedelta(days=800)
    )
    project.participants.add(world["ngo_a"], world["ngo_b"])
    worker, partner = world["users"]["caseworker_a"], world["users"]["caseworker_b"]
    salma = registry.register_person(
        worker, {"first_name_latin": "Salma", "last_name_latin": "Idrissi", "first_name_ar": "سلمى",
                 "last_name_ar": "الإدريسي", "sex": "F", "age": "22", "commune": "Oujda"},
        consent_given_on=today - timedelta(days=200),
    )  # fmt: skip
    pathways.record_step(worker, salma, "intake", project=project, on=today - timedelta(days=200))
    pathways.record_step(worker, salma, "placement", project=project, on=today - timedelta(days=100),
                         placement_type="internship")  # fmt: skip
    pathways.refer_with_consent(
        worker, salma, project=project, on=today - timedelta(days=150), referral_target="organisation",
        target_organisation=world["ngo_b"],
    )  # fmt: skip
    youssef = registry.register_person(
        partner, {"first_name_latin": "Youssef", "last_name_latin": "Tazi", "sex": "M", "age": "25",
                  "commune": "COM_0551"}, consent_given_on=date(2026, 1, 5),
    )  # fmt: skip
    pathways.refer_with_consent(partner, youssef, project=project, on=today, referral_target="organisation",
                                target_organisation=world["ngo_a"])  # fmt: skip
    Job.objects.create(kind="core.probe", organisation=world["ngo_a"], status=Job.Status.FAILED,
                       message="Le worker s'est arrêté.")  # fmt: skip
    warehouse.refresh()
    return {"person": salma.pk, "project": programme.code, "ngo": world["ngo_a"].pk}


def _problems(browser, live_server, axe_source, language: str, username: str, urls: list[str]) -> list[str]:
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies([{"name": "kafaat_language", "value": language, "url": live_server.url}])
    context.add_init_script(script=axe_source)  # in every page, before its own scripts
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    try:
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]:not(.linklike)")
        page.wait_for_url(lambda url: "/login/" not in url)
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, f"{username} {url}: {response.status}"
            # Charts drawn after the page come in through htmx: check the page once they are in.
            page.wait_for_function("!document.querySelector('.chart-loading')")
            for violation in page.evaluate(RUN_AXE):
                if violation["impact"] in SERIOUS:
                    where = ", ".join(violation["nodes"])
                    problems.append(f"{language} {username} {url}: [{violation['impact']}] {violation['id']}"
                                    f" — {violation['help']} ({where})")  # fmt: skip
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_main_pages_of_every_role_have_no_serious_violation(
    browser, live_server, axe_source, world, make_organisation, territory, settings, tmp_path, language
):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    settings.KAFAAT_OPEN_DATA_DIR = tmp_path / "open-data"
    settings.KAFAAT_DASHBOARD_PREWARM = False  # no background thread left querying the snapshot
    dashboard.cache_clear()
    charts.cache_clear()
    ids = _build(world, make_organisation, territory)
    try:
        problems = []
        for username, urls in PAGES.items():
            filled = [url.format(**ids) for url in urls]
            problems += _problems(browser, live_server, axe_source, language, username, filled)
        assert not problems, "\n".join(problems)
    finally:
        snapshot.close_all()
