"""Reference names in the reader's language, and in which language they really are when one is missing.

Classifications carry a label per language (`label_fr`, `label_ar`, `label_en`; `name_…` for places and
organisations). When the reader's is missing the next one that exists is shown, in an order that suits
Morocco: Arabic readers get French before English (the other language of the administration), French and
English readers each other's. The caller learns which language it got, so that a page can declare it
(`lang="fr"`): the ISCO-08 minor and unit groups have no Arabic label (docs/labour.md says why).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kafaat.core.l10n.formatting import language_of

FALLBACK = {"fr": ("fr", "en", "ar"), "ar": ("ar", "fr", "en"), "en": ("en", "fr", "ar")}


def name_in(obj: Any, language: str | None = None, prefix: str = "label") -> tuple[str, str]:
    """(text, its language) of `obj`'s `<prefix>_<language>`, else of the first fallback that is not empty.

    `obj` is a model instance or a mapping with those keys."""
    wanted = language_of(language)
    for candidate in FALLBACK[wanted]:
        key = f"{prefix}_{candidate}"
        value = obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, "")
        if value:
            return str(value), candidate
    return "", wanted
