"""The results dashboard in a real browser, in Arabic: right to left, snapshot time, server-rendered chart,
figures in the one format (1 031, 34,4 %), the indicator's disaggregations, the equity funnel, and the
logframe editor's htmx form."""

from datetime import date

from playwright.sync_api import expect

from kafaat.core.l10n.formatting import isolate
from kafaat.observatory import snapshot, warehouse
from kafaat.results.models import Indicator, LogframeNode, ManualValue, Target
from kafaat.results.tests.fixtures import PERIOD, build_programme


def _programme(make_organisation, territory, world):
    built = build_programme(make_organisation, territory)
    project = built.project
    project.name_ar = "مشروع النتائج"
    project.save()
    project.participants.add(world["agency"], world["donor"])
    impact = LogframeNode.objects.create(project=project, level="impact", code="IMP", name_fr="Impact",
                                         name_ar="الأثر المنشود")  # fmt: skip
    registered = Indicator.objects.create(project=project, node=impact, code="REG", name_fr="Inscrits",
                                          name_ar="المسجلون", measure="people_registered",
                                          disaggregations=["sex", "region"])  # fmt: skip
    Target.objects.create(indicator=registered, period_start=PERIOD[0], period_end=PERIOD[1], value=8)
    agreements = Indicator.objects.create(project=project, node=impact, code="MAN", name_fr="Conventions",
                                          name_ar="الاتفاقيات", measure="")  # fmt: skip
    ManualValue.objects.create(indicator=agreements, period_start=date(2025, 1, 1),
                               period_end=date(2025, 12, 31), value=1031)  # fmt: skip
    Target.objects.create(indicator=agreements, period_start=PERIOD[0], period_end=PERIOD[1], value=3000)
    return project


def _codes_clear_of_the_bars(page) -> bool:
    """In the browser's own layout: every indicator code of the progress chart lies beside the bars (to
    their right in Arabic), none drawn under one."""
    return page.evaluate("""() => {
        const svg = document.querySelector('#progress-chart svg');
        const bars = [...svg.querySelectorAll('.mark-rect.role-mark path')]
            .map(b => b.getBoundingClientRect());
        const codes = [...svg.querySelectorAll('.role-axis-label text')]
            .filter(t => /^[A-Z]/.test(t.textContent)).map(t => t.getBoundingClientRect());
        return codes.length > 0 && codes.every(c => bars.every(b => c.left >= b.right - 1));
    }""")


def test_the_dashboard_in_arabic(page, sign_in, world, make_organisation, territory, settings, tmp_path):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    project = _programme(make_organisation, territory, world)
    warehouse.refresh()
    try:
        sign_in("manager")
        page.click("button[data-language=ar]")
        page.goto(f"/results/{project.code}/?start=2025-01-01&end=2026-12-31")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_have_text("مشروع النتائج")
        expect(page.locator("#snapshot-time")).to_contain_text("الأرقام حسب لقطة")
        expect(page.locator("#indicator-REG .value")).to_have_text(isolate("4"))
        # One format: 1 031 and 34,4 % (narrow no-break spaces), Western digits, each an isolate in Arabic.
        expect(page.locator("#indicator-MAN .value")).to_have_text(isolate("1\u202f031"))
        expect(page.locator("#indicator-MAN .target")).to_have_text(isolate("3\u202f000"))
        expect(page.locator("#indicator-MAN .progress")).to_have_text(isolate("34,4\u202f%"))
        expect(page.locator("#snapshot-time")).not_to_contain_text(",")  # not "ديسمبر 7, 2026"
        expect(page.locator("#progress-chart svg")).to_be_visible()
        assert _codes_clear_of_the_bars(page)

        page.click("#indicator-REG a")
        expect(page.locator("#indicator-value")).to_have_text(isolate("4"))
        expect(page.locator("table.disaggregation").first).to_contain_text("النساء")

        page.goto(f"/results/{project.code}/funnel/?by=sex&start=2025-01-01&end=2026-12-31")
        expect(page.locator("#funnel")).to_contain_text("الرجال")
        expect(page.locator("#funnel-chart svg")).to_be_visible()

        page.goto(f"/results/{project.code}/logframe/")
        form = page.locator("#node-form")
        form.locator("[name=level]").select_option("outcome")
        form.locator("[name=parent]").select_option(label="الأثر المنشود")
        form.locator("[name=code]").fill("OC1")
        form.locator("[name=name_fr]").fill("Effet un")
        form.locator("button[type=submit]").click()
        expect(page.locator("#node-OC1")).to_be_visible()  # swapped in by htmx, no reload
        assert LogframeNode.objects.filter(project=project, code="OC1", level="outcome").exists()
    finally:
        snapshot.close_all()


def test_a_donor_sees_suppressed_figures(
    page, sign_in, world, make_organisation, territory, settings, tmp_path
):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    project = _programme(make_organisation, territory, world)
    warehouse.refresh()
    try:
        sign_in("donor")
        page.goto(f"/results/{project.code}/?start=2025-01-01&end=2026-12-31")
        expect(page.locator("#indicator-REG .value")).to_have_text("*")
        expect(page.locator("a[href$='/logframe/']")).to_have_count(0)
    finally:
        snapshot.close_all()


def test_a_manager_refreshes_the_warehouse_and_sees_the_snapshot(page, sign_in, world, settings, tmp_path):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    try:
        sign_in("manager")
        page.goto("/observatory/warehouse/")
        expect(page.locator("#snapshot-time")).to_contain_text("Pas encore d'instantané")
        page.click("#refresh-warehouse")
        # The refresh runs in the background; the status fragment polls until the snapshot is there.
        expect(page.locator("#snapshot-time")).to_contain_text("Instantané du", timeout=30_000)
    finally:
        snapshot.close_all()


def test_the_logframe_editor_edits_and_reorders_in_place(page, sign_in, world, make_organisation, territory):
    """A manager renames an outcome and moves an output up, without leaving the page; a result that still
    has indicators is not deleted and the page says why."""
    project = _programme(make_organisation, territory, world)
    impact = LogframeNode.objects.get(project=project, code="IMP")
    outcome = LogframeNode.objects.create(project=project, level="outcome", code="OC1", name_fr="Effet",
                                          parent=impact)  # fmt: skip
    for code in ("OP1", "OP2"):
        LogframeNode.objects.create(project=project, level="output", code=code, name_fr=f"Produit {code}",
                                    parent=outcome)  # fmt: skip
    sign_in("manager")
    page.goto(f"/results/{project.code}/logframe/")
    page.locator("#node-OC1 [data-action=edit]").first.click()
    form = page.locator("form.logframe-edit")
    form.locator("[name=name_fr]").fill("Accès à la formation")
    form.locator("[name=name_en]").fill("Access to training")
    form.locator("button[type=submit]").click()
    expect(page.locator("#node-OC1 .node-name").first).to_have_text("Accès à la formation")
    outcome.refresh_from_db()
    assert (outcome.name_fr, outcome.name_en) == ("Accès à la formation", "Access to training")

    outputs = page.locator("li.level-output")
    expect(outputs.first).to_have_id("node-OP1")
    op2 = LogframeNode.objects.get(project=project, code="OP2")
    page.locator(f"#node-line-{op2.pk} [data-action=up]").click()
    expect(outputs.first).to_have_id("node-OP2")  # swapped by htmx
    page.reload()
    expect(page.locator("li.level-output").first).to_have_id("node-OP2")  # and stored

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#node-line-{impact.pk} [data-action=delete]").click()
    expect(page.locator("#logframe-refusal")).to_contain_text("IMP")
    assert LogframeNode.objects.filter(project=project, code="IMP").exists()


def test_the_logframe_editor_fits_a_laptop_and_edits_in_place_in_french(
    page, sign_in, world, make_organisation, territory
):
    """Issue 14: in French the editor's three forms overlapped and the page was 1,531 px wide in a 1,366 px
    window. Now it fits (French and Arabic), and an indicator is edited and moved without leaving the page."""
    project = _programme(make_organisation, territory, world)
    impact = LogframeNode.objects.get(project=project, code="IMP")
    impact.name_fr = "Les jeunes et les femmes vulnérables accèdent durablement à un emploi décent"
    impact.save()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in("manager")
    page.goto(f"/results/{project.code}/logframe/")
    expect(page.locator("#indicator-form")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    boxes = [page.locator(f"#{form} > fieldset").bounding_box() for form in ("node-form", "indicator-form",
                                                                             "target-form")]  # fmt: skip
    for left, right in zip(boxes, boxes[1:], strict=False):  # side by side, never over one another
        assert left["x"] + left["width"] <= right["x"] + 1 or left["y"] + left["height"] <= right["y"] + 1

    page.evaluate("window.notReloaded = true")
    man = Indicator.objects.get(project=project, code="MAN")
    page.locator(f"#indicator-line-{man.pk} [data-action=edit]").click()
    form = page.locator(f"#indicator-edit-{man.pk}")
    form.locator("[name=name_fr]").fill("Conventions signées avec les employeurs")
    form.locator("button[type=submit]").click()
    renamed = page.locator("#editor-indicator-MAN .indicator-name")
    expect(renamed).to_have_text("Conventions signées avec les employeurs")
    expect(page.locator(f"#indicator-{man.pk}-up")).to_be_disabled()  # MAN comes first (codes in order)
    reg = Indicator.objects.get(project=project, code="REG")
    page.locator(f"#indicator-{reg.pk}-up").click()
    expect(page.locator("#node-IMP li").first).to_have_id("editor-indicator-REG")
    assert page.evaluate("window.notReloaded") is True  # all of it in place, no reload
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    order = Indicator.objects.filter(node=impact).order_by("position", "code")
    assert [i.code for i in order] == ["REG", "MAN"]

    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#indicator-form")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
