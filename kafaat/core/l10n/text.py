"""Text that people type, cleaned the same way on every path in (form, API, import, admin)."""

from __future__ import annotations

import re

# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder what a reader sees: "‮gpj.exe"
# displays as "exe.jpg", and a name can be made to look like another. The marks Arabic text needs
# (U+200E LRM, U+200F RLM, U+061C ALM) change no order and are kept.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> str:
    """The text without bidirectional embedding, override and isolate characters."""
    return BIDI_CONTROLS.sub("", text) if text else text
