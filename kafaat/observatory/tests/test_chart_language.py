"""The observatory's charts and maps say every word in the page's language: the sector and projection
charts' axis and legend titles, the maps' legend and captions, and none of Vega's English accessibility
labels; their numbers come from the one helper (ADR 0020)."""

import pytest

from kafaat.core.l10n.formatting import format_number
from kafaat.core.pages import charts
from kafaat.core.tests.chart_words import english_words, texts, words_outside_the_drawing
from kafaat.observatory import gaps, maps
from kafaat.observatory.dashboard.charts import projection_chart, sector_chart
from kafaat.observatory.dashboard.state import SectorBar
from kafaat.observatory.maps import geometry

SECTORS = {"ar": ("الفلاحة", "السياحة والفندقة"), "fr": ("Agriculture", "Tourisme et hôtellerie")}


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    charts.cache_clear()


def _sectors(language: str) -> str:
    first, second = SECTORS[language]
    bars = [SectorBar(first, 1031, None), SectorBar(second, 111, 375)]
    return charts.render_svg(sector_chart(bars, language=language, title="T", subtitle="S"))


def _projection(language: str) -> str:
    rows = [
        gaps.ProjectionRow(2024, 108, None, None, 15, None, None, True, ""),
        gaps.ProjectionRow(2025, 131, None, None, 20, None, None, True, ""),
        gaps.ProjectionRow(2026, 125, 83, 167, 19, 8, 33, False, "trend"),
    ]
    return charts.render_svg(projection_chart(rows, language=language, title="T"))


def _map(language: str) -> str:
    values = [maps.MapValue(f["id"], 0.1 * i) for i, f in enumerate(geometry.features("regions"))]
    names = {f["id"]: f"N{i}" for i, f in enumerate(geometry.features("regions"))}
    legend = {"ar": "الخريجون لكل عرض شغل", "fr": "Diplômés par offre"}[language]
    spec = maps.choropleth(
        "region", values, indicator="ratio", language=language, names=names, legend_title=legend
    )
    return maps.render_svg(spec)


def test_the_arabic_sector_chart_has_arabic_titles_legend_and_helper_numbers():
    svg = _sectors("ar")
    shown = texts(svg)
    for word in ("العدد خلال السنة", "السلسلة", "الخريجون (العرض)", "عروض الشغل (الطلب)", "الفلاحة"):
        assert word in shown, word
    assert "1 031".replace(" ", "\u202f") in shown  # grouped by the helper, not "1031"
    assert format_number(1031, "ar") != "1031"
    assert english_words(svg, allowed=frozenset({"T", "S"})) == []
    assert words_outside_the_drawing(svg) == []


def test_the_french_sector_and_projection_charts_have_french_titles_and_no_english_one():
    for svg in (_sectors("fr"), _projection("fr")):
        shown = set(texts(svg))
        assert {"Nombre dans l'année", "Série"} <= shown, shown
        assert not {"Graduates (supply)", "Vacancies (demand)", "Series", "value", "year"} & shown
        assert words_outside_the_drawing(svg) == []


def test_the_arabic_projection_chart_has_no_english_word():
    svg = _projection("ar")
    assert "السلسلة" in texts(svg)
    assert english_words(svg, allowed=frozenset({"T"})) == []
    assert words_outside_the_drawing(svg) == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_map_keeps_only_its_territories_labels_in_its_language(language):
    svg = _map(language)
    hidden = words_outside_the_drawing(svg)
    assert hidden and all(item.startswith("aria-label=N") for item in hidden)  # "N3: 0,30", the territory
    assert not any("axis" in item or "mark" in item or "Title" in item for item in hidden)
    if language == "ar":
        assert english_words(svg, allowed=frozenset({"OpenStreetMap"})) == []
