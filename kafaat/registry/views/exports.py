"""Export of the people list: the search page's filters (q, sex, territory, mine=1), as XLSX or CSV."""

from __future__ import annotations

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation

from kafaat.core import access
from kafaat.registry import exporting
from kafaat.registry.access_rules import VIEW_PERSON
from kafaat.registry.models import Sex
from kafaat.registry.services import SearchFilters

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export_filters(params) -> tuple[str, SearchFilters]:
    sex = params.get("sex", "")
    filters = SearchFilters(
        sex=sex if sex in Sex.values else "",
        territory_code=params.get("territory", "")[:20],
        mine_only=params.get("mine") == "1",
    )
    return params.get("q", "")[:100], filters


def export_people(request):
    access.require(request.user, VIEW_PERSON)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exporting.FORMATS:
        raise Http404
    query, filters = export_filters(request.GET)
    ids = exporting.people_to_export(request.user, query, filters)
    exporting.record_export(request.user, ids, fmt, query, filters)
    language = translation.get_language() or "fr"
    name = f"kafaat-people-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporting.csv_lines(ids, language), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        exporting.xlsx_file(ids, language),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES["xlsx"],
    )
