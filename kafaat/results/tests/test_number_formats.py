"""The results pages speak one number format per language: 1 031 and 34,4 % in French and Arabic (Western
digits, isolated in Arabic text), 1,031 and 34.4% in English; day-first dates; territories by name."""

import re
from datetime import date

import pytest
from django.urls import reverse

from kafaat.core.l10n.formatting import format_datetime, isolate
from kafaat.core.models import Territory
from kafaat.results import services
from kafaat.results.models import Indicator, ManualValue, Target
from kafaat.results.tests.test_services import programme  # noqa: F401 — the shared fixture

NNBSP = "\u202f"
US_THOUSANDS = re.compile(r"\d,\d{3}(?!\d)")  # 1,031 — never on a French or Arabic page


@pytest.fixture
def figures(programme):  # noqa: F811
    """A manual value of 1031 against a target of 3000 (34,4 %), a target of 1200 for the registrations."""
    manual = Indicator.objects.get(code="MAN")
    ManualValue.objects.create(indicator=manual, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                               value=1031)  # fmt: skip
    Target.objects.create(indicator=manual, period_start=date(2025, 1, 1), period_end=date(2026, 12, 31),
                          value=3000)  # fmt: skip
    Target.objects.create(indicator=Indicator.objects.get(code="REG"), period_start=date(2025, 1, 1),
                          period_end=date(2026, 12, 31), value=1200)  # fmt: skip
    return programme


def _page(client, user, language: str, name: str = "results:dashboard", *args) -> str:
    client.force_login(user)
    client.cookies["kafaat_language"] = language
    answer = client.get(
        reverse(name, args=["p-results", *args]), {"start": "2025-01-01", "end": "2026-12-31"}
    )
    assert answer.status_code == 200
    return answer.content.decode()


def _row(html: str, code: str) -> str:
    return html.split(f'id="indicator-{code}"', 1)[1].split("</tr>", 1)[0]


@pytest.mark.django_db
def test_the_dashboard_in_french_groups_thousands_with_a_narrow_space(client, figures, world):
    html = _page(client, world["users"]["manager"], "fr")
    manual = _row(html, "MAN")
    assert f">1{NNBSP}031<" in manual and f">3{NNBSP}000<" in manual and f"34,4{NNBSP}%" in manual
    assert f">1{NNBSP}200<" in _row(html, "REG")
    assert not US_THOUSANDS.search(html.split("<main", 1)[-1])
    assert "Du 01/01/2025 au 31/12/2026" in html


@pytest.mark.django_db
def test_the_dashboard_in_arabic_has_western_digits_isolated_and_day_first_dates(client, figures, world):
    html = _page(client, world["users"]["manager"], "ar")
    manual = _row(html, "MAN")
    assert isolate(f"1{NNBSP}031") in manual and isolate(f"34,4{NNBSP}%") in manual
    assert isolate(f"3{NNBSP}000") in manual
    assert not US_THOUSANDS.search(html.split("<main", 1)[-1])
    assert isolate("01/01/2025") in html and isolate("31/12/2026") in html
    taken_at = services.project_results(world["users"]["manager"], figures.project).taken_at
    assert format_datetime(taken_at, "ar", "long") in html  # "7 دجنبر 2026 17:16", not "ديسمبر 7, 2026"
    assert "<bdi>MAN</bdi>" in manual  # a Latin code inside Arabic text keeps its place


@pytest.mark.django_db
def test_the_dashboard_in_english_uses_english_separators(client, figures, world):
    manual = _row(_page(client, world["users"]["manager"], "en"), "MAN")
    assert ">1,031<" in manual and ">3,000<" in manual and "34.4%" in manual


@pytest.mark.django_db
def test_disaggregations_name_territories_in_the_readers_language(client, figures, world):
    oriental = Territory.objects.get(code="MA-02")
    manager = world["users"]["manager"]
    french = _page(client, manager, "fr", "results:indicator", "REG")
    assert f'<td title="MA-02" data-code="MA-02">{oriental.name_fr}</td>' in french
    arabic = _page(client, manager, "ar", "results:indicator", "REG")
    assert f'<td title="MA-02" data-code="MA-02">{oriental.name_ar}</td>' in arabic
    funnel = client.get(reverse("results:funnel", args=["p-results"]), {"by": "province"}).content.decode()
    oujda = Territory.objects.get(code="02.411")
    assert f'title="02.411">{oujda.name_ar}</th>' in funnel


@pytest.mark.django_db
def test_the_period_pickers_hold_iso_dates_in_french(client, figures, world):
    """A date picker reads only yyyy-mm-dd: French input formats (d/m/Y first) left it empty."""
    client.force_login(world["users"]["manager"])
    client.cookies["kafaat_language"] = "fr"
    html = client.get(reverse("results:dashboard", args=["p-results"])).content.decode()  # the default period
    assert 'type="date" name="start" value="2025-01-01"' in html
