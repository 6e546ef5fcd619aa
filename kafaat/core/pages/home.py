"""The home page: panels that answer "what needs me today?", each app registering its own from its
AppConfig.ready, so that core shows figures of apps it never imports.

A panel names the roles it is for (and whether national administrators see it), the template that draws it,
and the function that gives its figures for a user: that function belongs to the owning app, reads through
the app's services (so through `access`, in the user's scope) and returns None when the panel has nothing to
say to this user. Panels come in `order`; each one's figures are read once per page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from kafaat.core import access

Figures = Callable[[Any], Any]  # user -> the panel's figures, or None to leave the panel out


@dataclass(frozen=True)
class HomePanel:
    key: str  # unique; the panel's element id is "panel-<key>"
    title: str | Promise
    template: str  # drawn with `figures` (what `figures_of` returned) and `panel` in its context
    figures_of: Figures
    roles: frozenset[str] = frozenset()  # members holding one of these roles see it
    superuser: bool = False  # national administrators see it too
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    panel: HomePanel
    figures: Any

    @property
    def key(self) -> str:
        return self.panel.key


_PANELS: dict[str, HomePanel] = {}
# Import pages by import kind (an `ImportJob.kind`): the URL name of the page that follows one import, which
# takes the job's id, so that a failed import on the home page links to where its errors are.
_IMPORT_PAGES: dict[str, str] = {}


def register(panel: HomePanel) -> None:
    """Add a panel (from an app's ready()); registering the same key again replaces it."""
    _PANELS[panel.key] = panel


def register_import_page(kinds: Iterable[str], url_name: str) -> None:
    for kind in kinds:
        _IMPORT_PAGES[kind] = url_name


def import_page(kind: str) -> str | None:
    return _IMPORT_PAGES.get(kind)


def registered() -> list[HomePanel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def is_for(panel: HomePanel, user) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active and panel.superuser:
        return True
    return bool(panel.roles & access.roles_of(user))


def panels_for(user) -> list[ShownPanel]:
    """The panels this user sees, with their figures; a panel whose figures are None is left out."""
    if not getattr(user, "is_authenticated", False):
        return []
    shown = []
    for panel in registered():
        if not is_for(panel, user):
            continue
        figures = panel.figures_of(user)
        if figures is not None:
            shown.append(ShownPanel(panel, figures))
    return shown
