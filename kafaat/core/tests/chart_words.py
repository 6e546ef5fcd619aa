"""What a chart says, read from its SVG: its drawn texts and every attribute a browser could show or read out,
so that tests can check that no word of a chart is in another language than the page's."""

from __future__ import annotations

import re

from kafaat.core.tests.svg_geometry import visible

_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")
_ATTRIBUTE = re.compile(r' (aria-label|aria-roledescription|aria-description|title)="([^"]*)"')
_TITLE_ELEMENT = re.compile(r"<title>([^<]*)</title>")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def texts(svg: str) -> list[str]:
    """The drawn texts, without their invisible bidirectional controls."""
    return [visible(t) for t in _TEXT.findall(svg)]


def words_outside_the_drawing(svg: str) -> list[str]:
    """Attributes and <title>s of the elements inside the root, which Vega fills in English by default."""
    inner = svg[svg.index(">") + 1 :]  # the root's own label is the chart's description, tested apart
    return [f"{name}={value}" for name, value in _ATTRIBUTE.findall(inner)] + _TITLE_ELEMENT.findall(inner)


def english_words(svg: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Latin words of three letters or more in the drawn texts and in any attribute (data named in `allowed`
    excepted): in an Arabic chart, there should be none."""
    found = []
    hidden = [value for _, value in _ATTRIBUTE.findall(svg[svg.index(">") + 1 :])]
    for text in [*texts(svg), *hidden, *_TITLE_ELEMENT.findall(svg)]:
        found += [word for word in LATIN_WORD.findall(text) if word not in allowed]
    return found
