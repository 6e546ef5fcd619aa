"""Every word of a chart in the page's language: titles, axis and legend titles, labels, and none of Vega's
own English accessibility labels ("X-axis titled …", "Title text …", "bar", "pos: …") left in the SVG."""

import pytest
from django.utils import translation

from kafaat.core.l10n.formatting import format_percent
from kafaat.core.pages import FunnelSeries, ProgressBar, charts, funnel_chart, progress_chart, render_svg
from kafaat.core.tests.chart_words import english_words, texts, words_outside_the_drawing


@pytest.fixture(autouse=True)
def empty_cache():
    charts.cache_clear()


def _progress(language: str) -> str:
    bars = [ProgressBar("I1", 0.5, "1031"), ProgressBar("O2.2", -0.4, "46 %"), ProgressBar("P1", None)]
    with translation.override(language):
        return render_svg(progress_chart(bars, language=language, title="T"))


def _funnel(language: str) -> str:
    groups = {"ar": ("نساء", "رجال"), "fr": ("Femmes", "Hommes"), "en": ("Women", "Men")}[language]
    series = [
        FunnelSeries(groups[0], {"orientation": 1, "access": 0.7}),
        FunnelSeries(groups[1], {"access": 0.8}),
    ]
    return render_svg(funnel_chart(series, language=language))


def test_the_arabic_progress_chart_holds_its_arabic_titles_and_no_english_word():
    svg = _progress("ar")
    assert "% من الهدف المُحقَّق" in texts(svg)
    assert english_words(svg, allowed=frozenset()) == []
    assert words_outside_the_drawing(svg) == []  # Vega's "X-axis titled …", "bar", "pos: …" are taken out
    assert svg.startswith('<svg role="img" aria-label="T"')


def test_the_arabic_funnel_holds_its_steps_axis_and_legend_titles_in_arabic():
    svg = _funnel("ar")
    shown = texts(svg)
    for word in ("التوجيه", "الولوج", "% من الفئة", "الفئة", "نساء", "رجال"):
        assert word in shown, word
    assert english_words(svg) == []
    assert words_outside_the_drawing(svg) == []


def test_the_french_charts_hold_french_titles_and_no_english_one():
    progress, funnel = _progress("fr"), _funnel("fr")
    assert "% de la cible atteinte" in texts(progress)
    assert {"Orientation", "Accès", "% du groupe", "Groupe"} <= set(texts(funnel))
    for svg in (progress, funnel):
        assert words_outside_the_drawing(svg) == []
        drawn = set(" ".join(texts(svg)).split())
        assert not drawn & {"of", "target", "Target", "Group", "Access", "Retention", "X-axis", "Y-axis"}


def test_the_numbers_of_a_chart_are_written_by_the_one_helper():
    shown = texts(_progress("fr"))
    # The minus sign U+2212 and the narrow no-break space before %, as on the page around the chart.
    assert f"{format_percent(50, 'fr', 0)} (1031)" in shown
    assert f"{format_percent(-40, 'fr', 0)} (46 %)" in shown
    assert "\u221240\u202f%" in format_percent(-40, "fr", 0)


def test_an_arabic_chart_and_a_french_one_of_the_same_bars_are_cached_apart():
    arabic, french = _progress("ar"), _progress("fr")
    assert arabic != french
    assert charts.cache_info()["size"] == 2  # the language is part of the cache key (the spec's usermeta)
    assert _progress("ar") == arabic and _progress("fr") == french
    assert charts.cache_info()["size"] == 2
