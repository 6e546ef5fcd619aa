"""Reading a chart's geometry back from the SVG that vl-convert draws: the plot area, the bars, the legend
symbols and every text with an approximate box (from its position, anchor, font size and length), so that
tests can say "no label overlaps another, every bar is inside the plot" without looking at pixels."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"
TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")
RECT = re.compile(r"M([-\d.e]+),([-\d.e]+)h([-\d.e]+)v([-\d.e]+)h")
TOLERANCE = 0.5  # px
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
EM_PER_CHARACTER = 0.62  # DejaVu Sans, the charts' font, averages about 0.62 em a character


def visible(text: str) -> str:
    """The text without its invisible bidirectional controls."""
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS)


def text_width(text: str, size: float) -> float:
    return len(visible(text)) * EM_PER_CHARACTER * size


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 - TOLERANCE
            and other.x0 < self.x1 - TOLERANCE
            and self.y0 < other.y1 - TOLERANCE
            and other.y0 < self.y1 - TOLERANCE
        )

    def within_x(self, other: Box) -> bool:
        return self.x0 >= other.x0 - TOLERANCE and self.x1 <= other.x1 + TOLERANCE


@dataclass(frozen=True)
class Label:
    text: str  # as written in the SVG, bidirectional controls included
    box: Box
    role: str  # the mark it belongs to: role-mark (a text mark), role-axis-label, role-legend-label…


@dataclass
class Drawing:
    root: ET.Element
    plot: Box | None = None
    bars: list[Box] = field(default_factory=list)
    symbols: list[Box] = field(default_factory=list)  # legend swatches
    labels: list[Label] = field(default_factory=list)

    def texts(self, role: str) -> list[Label]:
        return [label for label in self.labels if label.role == role]


def _offset(element: ET.Element) -> tuple[float, float]:
    match = TRANSLATE.search(element.get("transform", ""))
    return (float(match[1]), float(match[2])) if match else (0.0, 0.0)


def _rect(d: str, dx: float, dy: float) -> Box | None:
    match = RECT.match(d or "")
    if not match:
        return None
    x, y, w, h = (float(v) for v in match.groups())
    return Box(dx + min(x, x + w), dy + min(y, y + h), dx + max(x, x + w), dy + max(y, y + h))


def _text_box(element: ET.Element, x: float, y: float) -> Box:
    size = float(element.get("font-size", "11px").removesuffix("px"))
    width = text_width(element.text or "", size)
    anchor = element.get("text-anchor", "start")
    start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    if "rotate" in element.get("transform", ""):  # a vertical axis title: its length runs up the page
        return Box(x - 0.75 * size, y - width / 2, x + 0.2 * size, y + width / 2)
    return Box(start, y - 0.75 * size, start + width, y + 0.2 * size)


def read(svg: str) -> Drawing:
    root = ET.fromstring(svg)  # noqa: S314 — the SVG our own renderer just drew
    drawing = Drawing(root)

    def walk(element: ET.Element, x: float, y: float, role: str, frame: bool, mark: str = "") -> None:
        dx, dy = _offset(element)
        x, y = x + dx, y + dy
        classes = element.get("class", "").split()
        role = next((c for c in classes if c.startswith("role-")), role)
        mark = next((c for c in classes if c.startswith("mark-")), mark)
        frame = frame or "root" in classes
        tag = element.tag.removeprefix(SVG)
        if tag == "path":
            box = _rect(element.get("d", ""), x, y)
            if box and "background" in classes and frame and drawing.plot is None:
                drawing.plot = box  # the first frame of the root group: the plot area
            elif box and mark == "mark-rect" and role == "role-mark":  # a bar (Vega's roles are taken out)
                drawing.bars.append(box)
            elif box and role == "role-legend-symbol":
                drawing.symbols.append(box)
        elif tag == "text" and visible(element.text or "").strip():
            drawing.labels.append(Label(element.text or "", _text_box(element, x, y), role))
        for child in element:
            walk(child, x, y, role, frame, mark)

    walk(root, 0.0, 0.0, "", False)
    return drawing


def overlapping(labels: list[Label]) -> list[tuple[str, str]]:
    """Every pair of labels whose boxes overlap, by their visible text."""
    return [
        (visible(a.text), visible(b.text))
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a.box.overlaps(b.box)
    ]
