"""A reader's dashboard: the board for a user's filters (checked against the reader's regions and
provinces), and one of its charts for the page's lazy fragments.

Split from ``board.py`` (which computes a board) so that prewarming, which computes boards too, is below
what a reader's request starts.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from kafaat.observatory import gaps, maps
from kafaat.observatory.dashboard.board import cached_board
from kafaat.observatory.dashboard.cache import default_year, snapshot_version, years
from kafaat.observatory.dashboard.panels import CHARTS
from kafaat.observatory.dashboard.prewarm import prewarm_in_background
from kafaat.observatory.dashboard.state import (
    Dashboard,
    DashboardError,
    Filters,
    allowed,
    check,
    only_provinces,
    sees_exact_figures,
)


def build(user, filters: Filters, language: str) -> Dashboard:
    """The dashboard for these filters (raises DashboardError on bad ones, NoSnapshot without a snapshot)."""
    exact = sees_exact_figures(user)
    version = snapshot_version()
    available = years()
    visible = gaps.visible_regions(user)
    provinces = gaps.visible_provinces(user)
    filters = allowed(user, check(filters, available, default_year()), visible, provinces)
    prewarm_in_background(version)
    only = only_provinces(filters, visible, provinces)
    board = cached_board(version, language, exact, filters, available, only)
    if visible is None:
        return board
    # A reader scoped to regions: no way back to the national map; to a province: nor to its region.
    return replace(board, national=False, trail=board.trail[2:] if only else board.trail[1:])


def chart(user, filters: Filters, language: str, which: str) -> str:
    """One chart of a dashboard as SVG, drawn now if no process drew it before (the page's lazy fragments).
    DashboardError for an unknown chart; "" when the board has none (e.g. no group to project)."""
    if which not in CHARTS:
        raise DashboardError(_("Unknown chart “%(value)s”.") % {"value": which[:20]})
    board = build(user, filters, language)
    spec = getattr(board, f"{which}_spec")
    return "" if spec is None else maps.render_svg(spec)
