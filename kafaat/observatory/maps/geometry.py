"""The map geometry: Morocco's regions and provinces, simplified once from the shared TopoJSON.

The source (`shared/data/morocco/geometry`, from the npm package `morocco-map`, derived from OpenStreetMap,
ODbL-1.0) is detailed enough for print: drawn as is, the 12-region map is a ~490 KB SVG. `build()` simplifies
it once and writes `data/geometry/{regions,provinces}.topojson` (committed, a few tens of KB), keyed by the
core Territory codes: regions `MA-01`…`MA-12` (the source's ids already), provinces by HCP code (`01.511`; the
source uses ISO 3166-2 ids such as `MA-TNG`, matched to HCP provinces by French name). Every feature carries
`region` (its region's code) and `lon`/`lat` (a point inside it, where its label goes).

Simplification works on the TopoJSON arcs: each arc is shared by the two territories it separates, so
simplifying arcs (Douglas-Peucker, shapely) keeps neighbours exactly adjacent — no gaps or overlaps. Arcs
keep their end points; a closed arc (an island) keeps at least a triangle, so no territory disappears.

Run it again with `python -m kafaat build-map-geometry --source ../shared/data/morocco/geometry`.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from shapely.geometry import LineString, MultiPolygon, Polygon

from kafaat.core.territories import DATA_DIR as TERRITORY_DIR
from kafaat.core.territories import name_key

GEOMETRY_DIR = Path(__file__).resolve().parents[1] / "data" / "geometry"  # the observatory's data folder
LEVELS = ("regions", "provinces")
TOLERANCE = {"regions": 0.01, "provinces": 0.005}  # degrees (~1 km / 500 m): a 500-pixel map of ~20 degrees
QUANTIZATION = 10_000
ATTRIBUTION = "© OpenStreetMap contributors"

# Provinces whose French name in the geometry differs from HCP's beyond accents (ISO 3166-2 id -> HCP code).
PROVINCE_ALIASES = {
    "MA-RAB": "04.421",  # no French name in the source
    "MA-FQH": "05.255",  # Fquih Ben Saleh / Fquih Ben Salah
    "MA-MOH": "06.371",  # Mohammédia / Mohammadia
    "MA-KES": "07.191",  # El Kelâat Es-Sraghna / El Kelâa Des-Sraghna
    "MA-REH": "07.427",  # Rhamna / Rehamna
    "MA-TAR": "09.541",  # Taroudant / Taroudannt
}
_PREFIX = re.compile(r"^(préfecture|province|prefecture)( d'arrondissements)? (de |d'|des |du )?", re.I)
_NON_LATIN = re.compile(r"[\u0600-\u06ff\u2d30-\u2d7f]")  # Arabic and Tifinagh: the French name comes first


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Absolute longitude/latitude of every arc (the source is quantized and delta-encoded)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _simplify_arc(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    closed = points[0] == points[-1]
    if len(points) <= (4 if closed else 2):
        return points
    while True:
        simplified = list(LineString(points).simplify(tolerance, preserve_topology=False).coords)
        if not closed or len(simplified) >= 4 or tolerance < 1e-6:
            return simplified if not closed or len(simplified) >= 4 else points
        tolerance /= 2  # an island that would vanish: keep more of it


def _encode(arcs: list[list[tuple[float, float]]]) -> tuple[dict, list[list[list[int]]]]:
    xs = [p[0] for arc in arcs for p in arc]
    ys = [p[1] for arc in arcs for p in arc]
    x0, y0 = min(xs), min(ys)
    kx = (max(xs) - x0) / (QUANTIZATION - 1) or 1.0
    ky = (max(ys) - y0) / (QUANTIZATION - 1) or 1.0
    encoded = []
    for arc in arcs:
        previous, out = None, []
        for x, y in arc:
            q = (round((x - x0) / kx), round((y - y0) / ky))
            if q == previous:
                continue  # two points on the same grid cell: one
            out.append(q if previous is None else (q[0] - previous[0], q[1] - previous[1]))
            previous = q
        if len(out) == 1:  # an arc shorter than a grid cell still joins its two ends
            out.append((0, 0))
        encoded.append([list(p) for p in out])
    return {"scale": [kx, ky], "translate": [x0, y0]}, encoded


def _ring(arc_ids: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in arc_ids:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def feature_shape(geometry: dict, arcs: list[list[tuple[float, float]]]) -> Polygon | MultiPolygon:
    """A TopoJSON polygon or multipolygon as a shapely geometry (for checks and label points)."""
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    parts = []
    for rings in polygons:
        coords = [_ring(ring, arcs) for ring in rings]
        if len(coords[0]) >= 4:
            parts.append(Polygon(coords[0], [c for c in coords[1:] if len(c) >= 4]))
    return MultiPolygon(parts) if len(parts) > 1 else parts[0]


def decoded_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    return _decode_arcs(topo)


def _hcp_provinces() -> dict[str, dict[str, str]]:
    with open(TERRITORY_DIR / "provinces_hcp.csv", encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def province_code(iso_id: str, name: str, by_name: dict[str, str]) -> str:
    """The HCP code of a province of the geometry (ISO id and French + Arabic name)."""
    if iso_id in PROVINCE_ALIASES:
        return PROVINCE_ALIASES[iso_id]
    french = _PREFIX.sub("", _NON_LATIN.split(name)[0].strip())
    try:
        return by_name[name_key(french)]
    except KeyError:
        message = f"{iso_id} ({name}): no HCP province of that name; add it to PROVINCE_ALIASES"
        raise ValueError(message) from None


def simplify(topo: dict, level: str, tolerance: float | None = None) -> dict:
    """A smaller TopoJSON of one level, keyed by Territory codes, with a label point per feature."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    tolerance = TOLERANCE[level] if tolerance is None else tolerance
    arcs = [_simplify_arc(arc, tolerance) for arc in _decode_arcs(topo)]
    transform, encoded = _encode(arcs)
    quantized = _decode_arcs({"transform": transform, "arcs": encoded})
    provinces = _hcp_provinces()
    by_name = {name_key(row["name_fr"]): code for code, row in provinces.items()}
    geometries = []
    for geometry in topo["objects"][level]["geometries"]:
        iso_id = geometry["id"]
        if level == "regions":
            code, region = iso_id, iso_id
        else:
            code = province_code(iso_id, geometry["properties"].get("name", ""), by_name)
            region = f"MA-{provinces[code]['region_code']}"
        point = feature_shape(geometry, quantized).representative_point()
        geometries.append(
            {
                "type": geometry["type"],
                "id": code,
                "arcs": geometry["arcs"],
                "properties": {
                    "region": region,
                    "iso": iso_id,
                    "lon": round(point.x, 4),
                    "lat": round(point.y, 4),
                },
            }  # fmt: skip
        )
    codes = [g["id"] for g in geometries]
    if len(set(codes)) != len(codes):
        raise ValueError(f"two {level} of the geometry map to the same territory")
    return {
        "type": "Topology",
        "transform": transform,
        "objects": {level: {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": encoded,
    }


def build(source: Path, target: Path = GEOMETRY_DIR) -> dict[str, tuple[int, int]]:
    """Simplify both levels from `source` into `target`; returns {level: (bytes before, bytes after)}."""
    target.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for level in LEVELS:
        path = source / f"{level}.topojson"
        topo = json.loads(path.read_text(encoding="utf-8"))
        text = json.dumps(simplify(topo, level), separators=(",", ":"), ensure_ascii=False)
        (target / f"{level}.topojson").write_text(text, encoding="utf-8")
        sizes[level] = (path.stat().st_size, len(text.encode()))
    return sizes


_loaded: dict[str, dict] = {}


def load(level: str) -> dict:
    """The simplified TopoJSON of a level (read once per process)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if level not in _loaded:
        _loaded[level] = json.loads((GEOMETRY_DIR / f"{level}.topojson").read_text(encoding="utf-8"))
    return _loaded[level]


def features(level: str) -> list[dict]:
    return load(level)["objects"][level]["geometries"]


def shapes(level: str) -> dict[str, Polygon | MultiPolygon]:
    """Territory code -> shapely geometry of the simplified map (for checks)."""
    topo = load(level)
    arcs = _decode_arcs(topo)
    return {g["id"]: feature_shape(g, arcs) for g in features(level)}


__all__ = ["ATTRIBUTION", "build", "features", "load", "shapes", "simplify"]
