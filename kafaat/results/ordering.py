"""Logframe items (results, indicators) in order among their siblings: moving one a place up or down, and
the place of each as a page shows it, so that a move asked from an out-of-date page is refused rather than
applied to an order the reader never saw. Plain functions on lists; `services` checks rights and audits."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Direction = Literal["up", "down"]


class StaleOrder(ValidationError):
    """A move asked from a page whose order is out of date (someone moved or added a sibling meanwhile):
    nothing moves, the editor shows the order as it is now."""


def move(items: list, item, direction: str, seen_at: int | None = None) -> bool:
    """Renumber `items` (siblings, in order) with `item` one place up or down; False at either end.
    `seen_at`: the item's place among its siblings on the page the move came from (None: not checked)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move up or down."))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    if seen_at is not None and seen_at != index:
        raise StaleOrder(
            _(
                "The order changed since this page was shown: here it is as it is now. "
                "Move %(code)s again if needed."
            )
            % {"code": item.code}
        )
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, sibling in enumerate(items):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    return True


def sibling_places(items) -> dict[int, tuple[int, int]]:
    """pk -> (place among its siblings, number of siblings) of logframe items listed in order (results as
    `logframe_tree` lists them, or indicators by position): what a move request says it saw."""
    groups: dict[tuple, list[int]] = {}
    for item in items:
        key = ("indicator", item.node_id) if hasattr(item, "node_id") else (item.parent_id, item.level)
        groups.setdefault(key, []).append(item.pk)
    return {pk: (i, len(pks)) for pks in groups.values() for i, pk in enumerate(pks)}
