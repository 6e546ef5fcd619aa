import pytest

from kafaat.core.pages import (
    FunnelSeries,
    ProgressBar,
    charts,
    funnel_chart,
    progress_chart,
    render_png,
    render_svg,
)
from kafaat.core.tests.svg_geometry import visible

BARS = {
    "fr": [ProgressBar("Personnes formées", 0.8, "80 / 100"), ProgressBar("Personnes insérées", None)],
    "ar": [ProgressBar("أشخاص مكوَّنون", 0.8, "80 / 100"), ProgressBar("أشخاص مدمجون", None)],
}
GROUPS = {
    "fr": [
        FunnelSeries("Femmes", {"orientation": 1, "access": 0.7, "retention": 0.5, "certification": 0.4}),
        FunnelSeries("Hommes", {"orientation": 1, "access": 0.8, "retention": 0.6, "insertion": 0.3}),
    ],
    "ar": [
        FunnelSeries("نساء", {"orientation": 1, "access": 0.7, "retention": 0.5, "certification": 0.4}),
        FunnelSeries("رجال", {"orientation": 1, "access": 0.8, "retention": 0.6, "insertion": 0.3}),
    ],
}


@pytest.fixture(autouse=True)
def empty_cache():
    charts.cache_clear()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                "Avancement",
                "Personnes formées",
                "Personnes insérées",
                "% de la cible atteinte",
                "80\u202f% (80 / 100)",
            ],
        ),
        ("ar", ["التقدم", "أشخاص مكوَّنون", "أشخاص مدمجون", "% من الهدف المُحقَّق", "80\u202f% (80 / 100)"]),
    ],
)
def test_progress_chart_renders_its_labels(language, expected):
    title = expected[0]
    svg = visible(render_svg(progress_chart(BARS[language], language=language, title=title)))
    assert svg.startswith("<svg")
    for text in expected:
        assert f">{text}<" in svg, text
    assert f">{charts.MARKER}<" in svg  # the suppressed value: no bar, the marker


def test_progress_chart_reads_right_to_left_in_arabic():
    fr = progress_chart(BARS["fr"], language="fr")
    ar = progress_chart(BARS["ar"], language="ar")
    bar_fr, bar_ar = fr["layer"][0]["encoding"], ar["layer"][0]["encoding"]
    assert bar_fr["y"]["axis"]["orient"] == "left" and bar_ar["y"]["axis"]["orient"] == "right"
    assert bar_fr["x"]["scale"]["reverse"] is False and bar_ar["x"]["scale"]["reverse"] is True
    assert bar_ar["y"]["sort"] == ["أشخاص مكوَّنون", "أشخاص مدمجون"]  # the order given, suppressed row included
    assert fr["data"]["values"][1] == {"label": "Personnes insérées", "pct": None, "pos": 0, "text": "*"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                "Orientation",
                "Accès",
                "Maintien",
                "Certification",
                "Insertion",
                "% du groupe",
                "Groupe",
                "Femmes",
            ],
        ),
        (
            "ar",
            ["التوجيه", "الولوج", "الاستمرار", "الإشهاد", "الإدماج", "% من الفئة", "الفئة", "نساء", "رجال"],
        ),
    ],
)
def test_funnel_renders_steps_and_groups(language, expected):
    svg = visible(render_svg(funnel_chart(GROUPS[language], language=language)))
    for text in expected:
        assert f">{text}<" in svg, text
    assert f">{charts.MARKER}<" in svg  # unknown steps of a group show the marker


def test_funnel_steps_run_from_the_right_in_arabic():
    fr = funnel_chart(GROUPS["fr"], language="fr")
    ar = funnel_chart(GROUPS["ar"], language="ar")
    assert fr["encoding"]["x"]["sort"] == ["Orientation", "Accès", "Maintien", "Certification", "Insertion"]
    assert ar["encoding"]["x"]["sort"] == [  # right-to-left isolates: Arabic text inside a left-to-right SVG
        f"\u2067{s}\u2069" for s in ["الإدماج", "الإشهاد", "الاستمرار", "الولوج", "التوجيه"]
    ]
    assert ar["layer"][0]["encoding"]["y"]["axis"]["orient"] == "right"
    women = [r for r in fr["data"]["values"] if r["group"] == "Femmes"]
    assert [r["pct"] for r in women] == [100, 70, 50, 40, None]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="jobs"):
        funnel_chart([FunnelSeries("x", {"jobs": 0.5})], language="fr")
    with pytest.raises(ValueError, match="own label"):
        progress_chart([ProgressBar("a", 0.1), ProgressBar("a", 0.2)], language="fr")


def test_rendered_charts_are_cached_by_spec():
    spec = progress_chart(BARS["fr"], language="fr")
    first = render_svg(spec)
    assert render_svg(progress_chart(BARS["fr"], language="fr")) is first
    assert charts.cache_info() == {"hits": 1, "misses": 1, "size": 1}
    other = progress_chart([ProgressBar("Personnes formées", 0.9)], language="fr")
    assert charts.spec_hash(other) != charts.spec_hash(spec)
    assert render_svg(other) != first
    png = render_png(spec)
    assert png.startswith(b"\x89PNG") and charts.cache_info()["size"] == 3


def test_nothing_is_fetched_from_the_network():
    spec = {"data": {"url": "https://example.org/data.csv"}, "mark": "bar", "encoding": {}}
    with pytest.raises(Exception, match="not allowed"):
        render_svg(spec)
