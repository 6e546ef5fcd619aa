"""The word keys of a contact's names: what a sign-in sheet or a new entry looks a contact up by.

A key is the registry's script-independent phonetic key of one name word (`registry.dedup.name_key`), so
"Mohammed", "Mohamed" and "محمد" share one. Kept in a table (`ContactNameKey`, indexed by key) so that
matching a 500-row sheet reads only the contacts that share a key with it, not the whole directory.
"""

from __future__ import annotations

from kafaat.registry.dedup import name_key
from kafaat.registry.normalise import name_tokens


def word_keys(name: str) -> set[str]:
    """The keys of a name's words (empty words and keyless words left out)."""
    return {key for key in (name_key(word) for word in name_tokens(name or "")) if key}


def contact_word_keys(first_latin: str, last_latin: str, first_ar: str, last_ar: str) -> set[str]:
    return word_keys(f"{first_latin} {last_latin}") | word_keys(f"{first_ar} {last_ar}")
