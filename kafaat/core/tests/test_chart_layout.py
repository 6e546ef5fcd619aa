"""The charts as drawn: the progress chart's bars stay inside the plot, negative ones included, and no label
hides another or hides behind a bar, in French and in Arabic; the funnel's legend reads from the right in
Arabic. Checked on the SVG that vl-convert renders (kafaat.core.tests.svg_geometry)."""

import pytest
from django.utils import translation

from kafaat.core.l10n import formatting
from kafaat.core.pages import charts
from kafaat.core.pages.charts import FunnelSeries, ProgressBar, funnel_chart, progress_chart, render_svg
from kafaat.core.tests.svg_geometry import overlapping, read, visible

# The demo project's spread: far beyond target, just short of it, and below the baseline (negative).
PROGRESS = [("I1", 0.097, 29), ("I2", 2.13, 56.3), ("O1.1", 0.859, 1031), ("O2.2", -0.4, 46),
            ("P1.7", -0.02, 20.1), ("P2.2", -1.07, 282.8), ("P2.3", 0.35, 14)]  # fmt: skip


@pytest.fixture(autouse=True)
def empty_cache():
    charts.cache_clear()


def _progress(language: str) -> str:
    with translation.override(language):
        bars = [ProgressBar(code, share, formatting.format_number(value, decimals=1, trim=True))
                for code, share, value in PROGRESS]  # fmt: skip
    return render_svg(progress_chart(bars, language=language))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_bar_is_inside_the_plot_and_no_label_is_hidden(language):
    svg = _progress(language)
    drawing = read(svg)
    assert drawing.plot is not None and len(drawing.bars) == len(PROGRESS)
    outside = [bar for bar in drawing.bars if not bar.within_x(drawing.plot)]
    assert outside == [], "bars clipped outside the plot"
    values = drawing.texts("role-mark")
    assert len(values) == len(PROGRESS)
    assert all(label.box.within_x(drawing.plot) for label in values), "a value label runs out of the plot"
    codes = drawing.texts("role-axis-label")
    assert {visible(c.text) for c in codes} >= {code for code, _s, _v in PROGRESS}
    assert overlapping(values + codes) == []
    hidden = [visible(t.text) for t in values + codes for bar in drawing.bars if t.box.overlaps(bar)]
    assert hidden == [], "labels drawn over the bars"
    # Laid out left to right by Vega: the SVG says so, whatever the direction of the page around it.
    assert "direction: ltr" in drawing.root.get("style", "")


def test_codes_sit_outside_the_bars_on_the_reading_side():
    fr, ar = read(_progress("fr")), read(_progress("ar"))
    assert all(c.box.x1 <= fr.plot.x0 for c in fr.texts("role-axis-label") if c.box.y0 < fr.plot.y1)
    assert all(c.box.x0 >= ar.plot.x1 for c in ar.texts("role-axis-label") if c.box.y0 < ar.plot.y1)


def test_arabic_value_labels_are_isolated_not_garbled():
    """ "213 % (56,3 %)" reads from the bar outwards in Arabic: a right-to-left isolate of isolated numbers,
    never the "(% 56.3) 213%" of a bare string reordered by the page's direction."""
    labels = {visible(t.text): t.text for t in read(_progress("ar")).texts("role-mark")}
    nnbsp, iso = "\u202f", formatting.isolate
    assert labels[f"213{nnbsp}% (56,3)"] == f"\u2067{iso(f'213{nnbsp}%')} ({iso('56,3')})\u2069"
    assert f"−107{nnbsp}% (282,8)" in labels and f"86{nnbsp}% (1{nnbsp}031)" in labels


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_funnel_legend_is_readable_and_starts_on_the_reading_side(language):
    names = {"fr": ("Femmes", "Hommes"), "ar": ("النساء", "الرجال")}[language]
    series = [FunnelSeries(names[0], {"orientation": 1, "access": 0.545}),
              FunnelSeries(names[1], {"orientation": 1, "access": 0.559})]  # fmt: skip
    drawing = read(render_svg(funnel_chart(series, language=language)))
    legend = drawing.texts("role-legend-label")
    assert [visible(t.text) for t in sorted(legend, key=lambda t: t.box.x0)] == list(
        names[::-1] if language == "ar" else names
    )
    assert not any(t.box.overlaps(symbol) for t in legend for symbol in drawing.symbols)
    assert overlapping(drawing.labels) == []
    edge = max(t.box.x1 for t in legend) if language == "ar" else min(s.x0 for s in drawing.symbols)
    plot_edge = drawing.plot.x1 if language == "ar" else drawing.plot.x0
    assert abs(edge - plot_edge) < 60  # the legend starts where the reader starts
