"""The map module: geometry keyed by Territory codes, simplification that loses no territory, the SVG and
its cache."""

import json
import re
from pathlib import Path

import pytest
from shapely.geometry import Point

from kafaat.core.models import Territory
from kafaat.core.pages import charts
from kafaat.observatory import maps
from kafaat.observatory.maps import geometry
from kafaat.observatory.maps import template as map_template

SOURCE = Path(__file__).resolve().parents[4] / "shared" / "data" / "morocco" / "geometry"
if not SOURCE.exists():  # the worktree layout: /work/wt/<name> next to /work/shared
    SOURCE = Path(__file__).resolve().parents[5] / "shared" / "data" / "morocco" / "geometry"


@pytest.fixture(autouse=True)
def _map_cache_in_tmp(settings, tmp_path):
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    charts.cache_clear()


@pytest.mark.django_db
def test_the_geometry_is_keyed_by_the_territory_codes():
    regions = {f["id"] for f in geometry.features("regions")}
    provinces = {f["id"]: f["properties"]["region"] for f in geometry.features("provinces")}
    assert regions == set(Territory.objects.filter(level="region").values_list("code", flat=True))
    assert len(regions) == 12
    in_db = dict(Territory.objects.filter(level="province").values_list("code", "parent__code"))
    assert provinces == in_db  # every province, under the same region as in the territorial tree
    assert len(provinces) == 75


def test_every_province_lies_in_its_region_on_the_simplified_map():
    regions = geometry.shapes("regions")
    for code, shape in geometry.shapes("provinces").items():
        region = next(f["properties"]["region"] for f in geometry.features("provinces") if f["id"] == code)
        assert shape.area > 0
        assert regions[region].buffer(0.05).contains(shape.representative_point()), code
    for feature in geometry.features("regions"):  # label points lie inside their territory
        point = Point(feature["properties"]["lon"], feature["properties"]["lat"])
        assert regions[feature["id"]].contains(point)


def _square(x: int, y: int, size: int) -> list[list[int]]:
    return [[x, y], [size, 0], [0, size], [-size, 0], [0, -size]]


def test_simplification_keeps_a_territory_smaller_than_the_tolerance():
    # Two regions sharing nothing: a big square and a tiny island, both closed arcs.
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.001, 0.001], "translate": [-10.0, 30.0]},
        "arcs": [_square(0, 0, 5000), _square(6000, 0, 3)],
        "objects": {"regions": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "MA-01", "arcs": [[0]], "properties": {}},
            {"type": "Polygon", "id": "MA-02", "arcs": [[1]], "properties": {}},
        ]}},
    }  # fmt: skip
    small = geometry.simplify(topo, "regions", tolerance=1.0)  # far coarser than the island
    arcs = geometry.decoded_arcs(small)
    shapes = {g["id"]: geometry.feature_shape(g, arcs) for g in small["objects"]["regions"]["geometries"]}
    assert set(shapes) == {"MA-01", "MA-02"}
    assert all(s.area > 0 for s in shapes.values())


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared source geometry is not here")
def test_simplifying_the_source_keeps_every_region_and_shrinks_it(tmp_path):
    sizes = geometry.build(SOURCE, tmp_path)
    for level in geometry.LEVELS:
        before, after = sizes[level]
        assert after < before / 10
        source = json.loads((SOURCE / f"{level}.topojson").read_text())
        built = json.loads((tmp_path / f"{level}.topojson").read_text())
        assert len(built["objects"][level]["geometries"]) == len(source["objects"][level]["geometries"])
        arcs = geometry.decoded_arcs(built)
        for g in built["objects"][level]["geometries"]:
            assert geometry.feature_shape(g, arcs).area > 0, g["id"]
    # The committed files are what the build makes.
    committed = (geometry.GEOMETRY_DIR / "regions.topojson").read_text()
    assert (tmp_path / "regions.topojson").read_text() == committed


NAMES_AR = {"MA-01": "طنجة تطوان الحسيمة", "MA-02": "الشرق", "MA-06": "الدار البيضاء سطات"}


def _regions(href: bool = True) -> list[maps.MapValue]:
    return [
        maps.MapValue(f["id"], 0.2 * i, f"{0.2 * i:.1f}", f"/observatory/?region={f['id']}" if href else "")
        for i, f in enumerate(geometry.features("regions"))
        if f["id"] != "MA-12"  # no data: drawn grey
    ]


def test_the_region_map_is_a_small_svg_with_links_arabic_labels_and_attribution():
    spec = maps.choropleth("region", _regions(), indicator="ratio", language="ar", names=NAMES_AR,
                           legend_title="العرض/الطلب")  # fmt: skip
    svg = maps.render_svg(spec)
    assert svg.startswith("<svg")
    assert len(svg.encode()) < 60_000
    assert len(re.findall(r'<a [^>]*href="/observatory/\?region=MA-\d\d"', svg)) == 11
    assert "الشرق" in svg
    assert "OpenStreetMap" in svg
    assert maps.NO_DATA_COLOUR in svg


def test_a_province_map_shows_the_provinces_of_one_region_only():
    values = [maps.MapValue("06.141", -0.5, "-0.5")]  # Casablanca
    spec = maps.choropleth("province", values, indicator="mismatch", language="fr", names={}, region="MA-06")
    drawn = spec["layer"][0]["data"]["values"]["objects"]["provinces"]["geometries"]
    assert {g["properties"]["region"] for g in drawn} == {"MA-06"}
    assert "06.141" in {g["id"] for g in drawn}
    assert "<svg" in maps.render_svg(spec)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="not on this map"):
        maps.choropleth("province", [maps.MapValue("01.511", 1.0)], indicator="ratio", language="fr",
                        names={}, region="MA-06")  # fmt: skip
    with pytest.raises(ValueError, match="indicator"):
        maps.choropleth("region", [], indicator="salary", language="fr", names={})
    with pytest.raises(ValueError, match="one region"):
        maps.choropleth("province", [], indicator="ratio", language="fr", names={})


def test_a_map_is_drawn_once_then_read_from_the_disk_cache(settings, tmp_path):
    spec = maps.choropleth("region", _regions(), indicator="ratio", language="fr", names={})
    before = maps.cache_info()
    first = maps.render_svg(spec)  # the template and the scale's colours are drawn
    drawn = maps.cache_info()["renders"] - before["renders"]
    assert drawn == 2
    charts.cache_clear()
    map_template.cache_clear()  # another process: nothing in memory
    second = maps.render_svg(spec)
    after = maps.cache_info()
    assert first == second
    assert after["renders"] - before["renders"] == drawn
    assert after["memory_or_disk_hits"] - before["memory_or_disk_hits"] == 1
    assert list((tmp_path / "maps" / "templates").rglob("*.txt"))
    other = maps.choropleth("region", _regions(href=False), indicator="ratio", language="fr", names={})
    assert 'href="/observatory' not in maps.render_svg(other)  # other numbers or links: only coloured
    assert maps.cache_info()["renders"] - before["renders"] == drawn
    maps.render_svg(maps.choropleth("region", _regions(), indicator="ratio", language="ar", names={}))
    assert maps.cache_info()["renders"] - before["renders"] == drawn + 1  # another language: its template
    coverage = maps.choropleth("region", _regions(), indicator="coverage", language="fr", names={})
    maps.render_svg(coverage)  # no fixed colour scale (its legend depends on the values): drawn whole
    assert maps.cache_info()["renders"] - before["renders"] == drawn + 2
    assert list((tmp_path / "maps").glob("*/*.svg"))
    assert maps.cached_svg(coverage) == maps.render_svg(coverage)


# A map with links keeps its shapes' labels, without Vega's role descriptions (core.pages.charts.accessible).
_SHAPE = r'(?:<a href="([^"]*)">)?<path aria-label="([^"]*)"(?: role="graphics-symbol" aria-roledescription="geoshape")?[^>]*?fill="([^"]*)"[^>]*/>(?:</a>)?'  # noqa: E501


def _rgb(colour: str) -> tuple[int, ...]:
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(x) for x in colour[4:-1].split(","))


@pytest.mark.parametrize(("indicator", "language"), [("mismatch", "fr"), ("placement_rate", "ar")])
def test_a_map_from_its_template_is_the_whole_drawing(indicator, language):
    values = [
        maps.MapValue(code, None if i % 4 == 0 else -0.9 + 0.13 * i, "*" if i % 4 == 0 else f"{i}",
                      "" if i == 3 else f"/observatory/?year=2025&province={code}")
        for i, code in enumerate(f["id"] for f in maps.level_features("province", "MA-06"))
    ]  # fmt: skip
    names = {values[1].code: "Casa <Anfa> & co"}  # escaped alike
    spec = maps.choropleth("province", values, indicator=indicator, language=language, region="MA-06",
                           names=names, legend_title="Titre", note="Snapshot of 29/11")  # fmt: skip
    whole = charts.render_svg(spec).replace(f'xlink:href="{maps.LINK_ORIGIN}/', 'href="/')
    templated = maps.render_svg(spec)
    assert templated != whole  # not drawn whole: from the template
    shapes, drawn = re.findall(_SHAPE, templated), re.findall(_SHAPE, whole)
    assert [(h, label) for h, label, _ in shapes] == [(h, label) for h, label, _ in drawn]  # links, labels
    assert len([h for h, _label, _fill in shapes if h]) == len(drawn) - 1  # the fourth has no link
    for (_h, _l, ours), (_h2, _l2, vega) in zip(shapes, drawn, strict=True):
        assert max(abs(a - b) for a, b in zip(_rgb(ours), _rgb(vega), strict=True)) <= 1  # Vega's colours
    assert maps.NO_DATA_COLOUR in {fill for _h, _l, fill in shapes}
    rest = [re.sub(r"gradient_\d+", "g", re.sub(_SHAPE, "", svg)) for svg in (templated, whole)]
    assert rest[0] == rest[1]  # legend, labels, the note and the credit: identical
    assert "Snapshot of 29/11 · " in templated


def test_a_template_without_the_expected_shapes_is_not_used(monkeypatch):
    monkeypatch.setattr(map_template, "parse", lambda svg: map_template.Template(("<svg/>",), (), ()))
    spec = maps.choropleth("region", _regions(), indicator="ratio", language="fr", names={})
    svg = maps.render_svg(spec)  # drawn whole instead
    assert svg.startswith("<svg") and len(re.findall(r'<a href="/observatory/\?region=MA-\d\d"', svg)) == 11


@pytest.mark.django_db
def test_an_arabic_map_caption_reads_right_to_left_with_its_date_day_first():
    """The caption mixes Arabic, a date and "OpenStreetMap": a right-to-left isolate around the date's own
    (left-to-right) isolate, so neither the date nor the credit is reordered; the date is 07/12/2026, never
    the US 12/07/2026."""
    from datetime import UTC, datetime

    from django.utils import translation

    from kafaat.core.l10n.formatting import PDI, RLI, format_datetime, isolate

    with translation.override("ar"):
        when = format_datetime(datetime(2026, 12, 7, 16, 16, tzinfo=UTC))
        note = f"لقطة {when}"
    assert when == isolate("07/12/2026 17:16")
    spec = maps.choropleth("region", _regions(), indicator="ratio", language="ar", names=NAMES_AR, note=note)
    svg = maps.render_svg(spec)
    credits = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if "OpenStreetMap" in t]
    assert len(credits) == 1 and credits[0].startswith(f"{RLI}{note} · ") and credits[0].endswith(PDI)
    no_data = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if "(*)" in t]
    assert no_data and all(t.startswith(RLI) for t in no_data)  # "(*)" stays at the end of the sentence
    assert 'style="direction: ltr' in svg[:200]


_OUTLINE = r'<path aria-label="{name}: [^"]*"[^>]*stroke="([^"]*)" stroke-width="([^"]*)"'


def test_the_selected_province_is_outlined_from_the_template_as_in_the_whole_drawing():
    """The province the page shows is outlined (dark, thick) — in a map from its template exactly as Vega
    draws the spec's condition; the other shapes keep their thin white border, and one template serves
    every selection."""
    features = maps.level_features("province", "MA-02")
    values = [maps.MapValue(f["id"], 0.5 + i / 10, f"{i}", f"/observatory/?province={f['id']}")
              for i, f in enumerate(features)]  # fmt: skip
    names = {f["id"]: f"P{i}" for i, f in enumerate(features)}
    chosen, other = features[1]["id"], features[2]["id"]

    def spec(selected):
        return maps.choropleth("province", values, indicator="ratio", language="fr", region="MA-02",
                               names=names, note="n", selected=selected)  # fmt: skip

    whole = charts.render_svg(spec(chosen))
    templated = maps.render_svg(spec(chosen))
    for svg in (whole, templated):
        assert re.search(_OUTLINE.format(name="P1"), svg).groups() == (maps.SELECTED_STROKE, "2.5")
        assert re.search(_OUTLINE.format(name="P2"), svg).groups() == ("white", "0.8")
    renders = maps.cache_info()["renders"]
    again = maps.render_svg(spec(other))  # another province: the same template, only filled
    assert maps.cache_info()["renders"] == renders
    assert re.search(_OUTLINE.format(name="P2"), again).groups() == (maps.SELECTED_STROKE, "2.5")
    assert re.search(_OUTLINE.format(name="P1"), again).groups() == ("white", "0.8")
    with pytest.raises(ValueError):
        spec("01.511")  # a province of another region is not on this map
