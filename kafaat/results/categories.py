"""How the categories of a disaggregation read: "Women", "Oriental", "Oujda-Angad" rather than F, MA-02 or
02.411. Region and province keys are territory codes: they read as the territory's name in each language,
with the code kept beside it (a title on pages, a row of its own in the XLSX)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation

from kafaat.core.l10n.formatting import LANGUAGES, language_of
from kafaat.core.models import Territory
from kafaat.results import measures

TERRITORIAL = frozenset({"region", "province"})


@dataclass(frozen=True)
class CategoryLabel:
    key: str
    names: dict[str, str]  # language -> name
    code: str = ""  # the territory's code, for regions and provinces

    def name(self, language: str | None = None) -> str:
        return self.names[language_of(language)]

    def __str__(self) -> str:
        return self.name()


def _in_languages(text) -> dict[str, str]:
    names = {}
    for language in LANGUAGES:
        with translation.override(language):
            names[language] = str(text)
    return names


def labels(dimension: str, keys: Iterable[str]) -> dict[str, CategoryLabel]:
    """The label of each category key of `dimension` (one query for territories)."""
    keys = list(dict.fromkeys(keys))
    territories = {}
    if dimension in TERRITORIAL:
        territories = {t.code: t for t in Territory.objects.filter(code__in=keys)}
    result = {}
    for key in keys:
        territory = territories.get(key)
        if territory is None:
            result[key] = CategoryLabel(key, _in_languages(measures.category_label(dimension, key)))
        else:
            names = {lang: getattr(territory, f"name_{lang}") or territory.name_fr for lang in LANGUAGES}
            result[key] = CategoryLabel(key, names, territory.code)
    return result


def tables(figure) -> list[tuple[object, list[tuple[CategoryLabel, object]]]]:
    """An indicator's disaggregations for its page: (dimension label, [(category label, figure)])."""
    if figure is None:
        return []
    result = []
    for dimension, cells in figure.by.items():
        named = labels(dimension, [c.category for c in cells])
        result.append((measures.DIMENSION_LABELS[dimension], [(named[c.category], c) for c in cells]))
    return result
