"""Exporting the people a user may see, with the search page's filters, as XLSX or CSV.

Never exported: document type and number, migration status, Washington Group answers (sensitive data; they
are not even read from the database). The headers are the import template's in the user's language, so an
export can be corrected and imported back. One audit event records the export, its filters and the ids.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from itertools import islice

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kafaat.core import audit
from kafaat.core.imports import safe_row, xlsx_row
from kafaat.registry.imports import PEOPLE_COLUMNS
from kafaat.registry.models import Person
from kafaat.registry.services import SENSITIVE_FIELDS, SearchFilters, search_kind, search_people

BATCH = 2000
FORMATS = ("xlsx", "csv")
_HEADERS = {column.key: column for column in PEOPLE_COLUMNS}
# Import columns exported as they are; then the columns only an export has.
EXPORTED = (
    "external_id", "last_name_latin", "first_name_latin", "last_name_ar", "first_name_ar", "sex",
    "birth_date", "nationality", "commune", "area", "phone", "phone_alt", "education_level", "neet",
    "household_head", "languages",
)  # fmt: skip


def headers(language: str) -> list[str]:
    with translation.override(language):
        extra = [_("Territory code"), _("Birth date estimated"), _("Registered by"), _("Case worker"),
                 _("Registered on")]  # fmt: skip
        return [_HEADERS[key].header(language) for key in EXPORTED] + extra


def _yes_no(value: bool | None) -> str:
    return "" if value is None else _("yes") if value else _("no")


def _row(person: Person) -> list:
    return [
        person.external_id, person.last_name_latin, person.first_name_latin, person.last_name_ar,
        person.first_name_ar, person.sex, person.birth_date, person.nationality, person.territory.name,
        person.get_area_display(), person.phone, person.phone_alt, person.get_education_level_display(),
        _yes_no(person.neet), _yes_no(person.household_head), ", ".join(person.languages or []),
        person.territory.code, _yes_no(person.birth_date_estimated), person.registered_by.name,
        person.case_worker.get_username() if person.case_worker else "",
        timezone.localtime(person.created_at).date(),
    ]  # fmt: skip


def people_to_export(user, query: str = "", filters: SearchFilters | None = None) -> list[int]:
    """The ids of the people the search page would list, in its order."""
    return list(search_people(user, query, filters).values_list("pk", flat=True))


def _people(ids: list[int]) -> Iterator[Person]:
    """The people, in the order of `ids`, read in batches, sensitive fields left in the database."""
    iterator = iter(ids)
    while batch := list(islice(iterator, BATCH)):
        people = Person.objects.filter(pk__in=batch).defer(*SENSITIVE_FIELDS)
        by_id = {p.pk: p for p in people.select_related("territory", "registered_by", "case_worker")}
        yield from (by_id[pk] for pk in batch if pk in by_id)


def record_export(user, ids: list[int], fmt: str, query: str, filters: SearchFilters | None) -> None:
    # What the export searched by, never the terms: a search text may itself be a phone or identity number.
    details = {"format": fmt, "filters": vars(filters) if filters else {}}
    if query.strip():
        details["search_by"] = search_kind(query.strip())
    audit.record_bulk(audit.Action.EXPORT, user, Person, ids, details=details)


def csv_lines(ids: list[int], language: str) -> Iterator[bytes]:
    """The export as CSV (UTF-8 with BOM, for Excel), one encoded line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with translation.override(language):
        buffer.write("\ufeff")
        writer.writerow(headers(language))
        for count, person in enumerate(_people(ids), start=1):
            writer.writerow(safe_row(_row(person)))
            if count % 500 == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()


def xlsx_file(ids: list[int], language: str):
    """The export as an XLSX in a temporary file (write-only mode: memory stays flat), rewound."""
    from openpyxl import Workbook

    handle = tempfile.TemporaryFile()  # noqa: SIM115 — returned open, closed by the response
    with translation.override(language):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("People"))
        sheet.append(xlsx_row(sheet, headers(language)))
        for person in _people(ids):
            sheet.append(xlsx_row(sheet, _row(person)))
        workbook.save(handle)
    handle.seek(0)
    return handle
