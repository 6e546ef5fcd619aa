"""The regional dashboard page: filters in the query string (every view is a link), the dashboard swapped
by htmx when a filter changes; the figures come from `dashboard` (a service, no HTTP there)."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_htmx.http import push_url

from kafaat.observatory import dashboard, gaps

DEFAULTS = dashboard.Filters()
dashboard_url = dashboard.url


def _int(params, name: str) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise dashboard.DashboardError(
            _("“%(value)s” is not a number (%(name)s).") % {"value": raw[:20], "name": name}
        ) from None


def _page(params, name: str) -> int:
    number = _int(params, name)
    return 1 if number is None else number


def parse_filters(params) -> dashboard.Filters:
    """The filters of a query string. Changing the region in the form drops a province of the old region;
    a link that names a province outside its region is an error."""
    text = {name: params.get(name, "").strip() or None for name in ("region", "province", "group")}
    filters = dashboard.Filters(
        year=_int(params, "year"),
        region=text["region"],
        province=text["province"],
        dimension=params.get("dimension", "").strip() or DEFAULTS.dimension,
        indicator=params.get("indicator", "").strip() or DEFAULTS.indicator,
        group=text["group"],
        shortage_page=_page(params, "sp"),
        surplus_page=_page(params, "up"),
    )
    if params.get("form") and filters.province:
        region = filters.region or ""
        if filters.province not in dashboard.provinces_of(region):
            filters = replace(filters, province=None)
    if params.get("form") and filters.group and filters.group not in gaps.group_codes(filters.dimension):
        filters = replace(filters, group=None)  # the dimension changed in the form: its groups differ
    return filters


def regional_dashboard(request):
    if not dashboard.may_view(request.user):
        raise PermissionDenied
    language = get_language()[:2]
    template = "observatory/_dashboard.html" if request.htmx else "observatory/dashboard.html"
    context = {
        "indicators": list(dashboard.INDICATORS.items()),
        "dimensions": list(dashboard.DIMENSIONS.items()),
        "regions": _regions(language, _reachable_regions(request.user)),
    }
    try:
        filters = parse_filters(request.GET)
        board = dashboard.build(request.user, filters, language)
    except gaps.NoSnapshot:
        return render(request, template, {**context, "no_snapshot": True})
    except (dashboard.DashboardError, gaps.GapError) as error:
        return render(request, template, {**context, "error": str(error)}, status=400)
    context.update(
        board=board,
        filters=board.filters,
        provinces=[
            (
                code,
                dashboard.territories()[code].name(language),
                dashboard_url(replace(board.filters, province=code, shortage_page=1, surplus_page=1)),
            )
            for code in dashboard.provinces_of(board.filters.region)
            if _may_open(request.user, board.filters.region, code)
        ]
        if board.filters.region
        else [],
        trail=[(label, dashboard_url(f)) for label, f in board.trail],
        svgs=dashboard.svgs(board),
        chart_urls={which: chart_url(which, board.filters) for which in dashboard.CHARTS},
        exports=export_urls(board.filters),
        shortage=board.shortage_page(),
        surplus=board.surplus_page(),
    )
    context["shortage_links"] = _page_links(context["shortage"], board.filters, "shortage_page")
    context["surplus_links"] = _page_links(context["surplus"], board.filters, "surplus_page")
    response = render(request, template, context)
    if request.htmx:  # the address bar shows the clean URL of what is shown, not the raw form
        response = push_url(response, dashboard_url(board.filters))
    return response


def chart_url(which: str, filters: dashboard.Filters) -> str:
    """The address of one chart of a dashboard (the same query string as the page's)."""
    page = dashboard_url(filters)
    query = page.split("?", 1)[1] if "?" in page else ""
    path = reverse("observatory:dashboard_chart", args=[which])
    return f"{path}?{query}" if query else path


def dashboard_chart(request, which: str):
    """One chart (SVG) of the dashboard, for the page's lazy htmx fragments: drawn once, then cached."""
    if not dashboard.may_view(request.user):
        raise PermissionDenied
    try:
        svg = dashboard.chart(request.user, parse_filters(request.GET), get_language()[:2], which)
    except gaps.NoSnapshot:
        return HttpResponse(_("No snapshot of the data yet."), status=409)
    except (dashboard.DashboardError, gaps.GapError) as error:
        return HttpResponse(escape(str(error)), status=400)
    response = HttpResponse(svg)
    response["Cache-Control"] = "private, max-age=300"
    return response


def dashboard_export(request, name: str, fmt: str):
    """A table (CSV, or every table as XLSX) or a chart (SVG, PNG) of the reader's dashboard, as a file: the
    same filters and rules as the page (400 with a message, 403 outside one's scope, 404 for no export)."""
    if not dashboard.may_view(request.user):
        raise PermissionDenied
    if name not in dashboard.FORMATS.get(fmt, ()):
        raise Http404(_("No such export."))
    try:
        made = dashboard.export(request.user, parse_filters(request.GET), get_language()[:2], name, fmt)
    except gaps.NoSnapshot:
        return HttpResponse(_("No snapshot of the data yet."), status=409, content_type="text/plain")
    except (dashboard.DashboardError, gaps.GapError) as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(made.content, content_type=made.media_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_urls(filters: dashboard.Filters) -> dict[str, str]:
    """The addresses of the page's exports: `<table>_csv`, `tables_xlsx`, `<chart>_svg`, `<chart>_png`."""
    page = dashboard_url(filters)
    query = page.split("?", 1)[1] if "?" in page else ""
    out = {}
    for fmt, names in dashboard.FORMATS.items():
        for name in names:
            path = reverse("observatory:dashboard_export", args=[name, fmt])
            out[f"{name}_{fmt}"] = f"{path}?{query}" if query else path
    return out


def _reachable_regions(user) -> set[str] | None:
    """Regions the reader may choose: theirs, and the regions of the provinces they are scoped to."""
    regions = gaps.visible_regions(user)
    if regions is None:
        return None
    return regions | {gaps.region_of(p) for p in gaps.visible_provinces(user) or ()}


def _may_open(user, region: str, province: str) -> bool:
    regions = gaps.visible_regions(user)
    return regions is None or region in regions or province in (gaps.visible_provinces(user) or ())


def _regions(language: str, visible: set[str] | None) -> list[tuple[str, str]]:
    known = dashboard.territories()
    return [
        (code, t.name(language))
        for code, t in known.items()
        if t.level == "region" and (visible is None or code in visible)
    ]


def _page_links(page, filters: dashboard.Filters, attr: str) -> dict[str, str]:
    links = {}
    if page.has_previous():
        links["previous"] = dashboard_url(replace(filters, **{attr: page.previous_page_number()}))
    if page.has_next():
        links["next"] = dashboard_url(replace(filters, **{attr: page.next_page_number()}))
    return links
