"""What every app's pages share: the menu by domain and the per-role home, the capped paginator, the charts.

Public entry points: `navigation` (each app's AppConfig.ready registers its `NavItem`s there; `visible_items`,
`home_cards`), `CappedPaginator`, `charts` (Vega-Lite specs rendered to SVG or PNG: `render_svg`,
`render_png`, `progress_chart`, `funnel_chart`) and `RecentMemo` (the bounded memo of the charts and the
dashboard). `context_processors.navigation` is named in `kafaat/settings.py`.
"""

from kafaat.core.pages import charts, navigation
from kafaat.core.pages.charts import (
    FunnelSeries,
    ProgressBar,
    funnel_chart,
    progress_chart,
    render_png,
    render_svg,
)
from kafaat.core.pages.memo import RecentMemo
from kafaat.core.pages.navigation import NavItem, RoleCard, home_cards, visible_items
from kafaat.core.pages.paginator import CappedPaginator

__all__ = [
    "CappedPaginator",
    "FunnelSeries",
    "NavItem",
    "ProgressBar",
    "RecentMemo",
    "RoleCard",
    "charts",
    "funnel_chart",
    "home_cards",
    "navigation",
    "progress_chart",
    "render_png",
    "render_svg",
    "visible_items",
]
