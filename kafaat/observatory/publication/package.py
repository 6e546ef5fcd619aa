"""Open-data publication: writing the files of a package and validating them.

Split from ``service.py``, which decides who may publish and stores the package once validated.
``write_package()`` writes the CSV resources (rows from ``figures``), their Table Schemas and
``datapackage.json`` (``schema``), the methodology note in French, Arabic and English and an XLSX
copy; ``validate_package()`` asks ``frictionless`` what is wrong with them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kafaat.core.imports import safe_cell
from kafaat.observatory.publication.figures import (
    DIMENSIONS,
    Figures,
    gap_rows,
    projection_rows,
    total_rows,
)
from kafaat.observatory.publication.schema import (
    FIELDS,
    LANGUAGES,
    RESOURCES,
    ResourceSpec,
    Scope,
    methodology,
    methodology_markdown,
    table_schema,
    translated,
)
from kafaat.results.suppression import MARKER

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell_text(row.get(k)) for k in fields})


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _xlsx(path: Path, resources: list[tuple[ResourceSpec, list[dict]]], notes: dict[str, dict]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    rtl = Alignment(horizontal="right", readingOrder=2)
    for spec, rows in resources:
        sheet = workbook.create_sheet(spec.name[:31])
        sheet.append(spec.fields)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(_xlsx_value(row.get(k))) for k in spec.fields])
        for index, name in enumerate(spec.fields, start=1):
            if name.endswith("_ar"):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.alignment = rtl
        sheet.freeze_panes = "A2"
    titles = {"fr": "Méthodologie", "ar": "المنهجية", "en": "Methodology"}
    for language in LANGUAGES:
        note = notes[language]
        sheet = workbook.create_sheet(titles[language])
        sheet.sheet_view.rightToLeft = language == "ar"
        sheet.column_dimensions["A"].width = 120
        sheet.append([note["title"]])
        sheet["A1"].font = Font(bold=True, size=14)
        for section in note["sections"]:
            sheet.append([])
            sheet.append([section["title"]])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            for paragraph in section["paragraphs"]:
                sheet.append([paragraph])
        sheet.append([])
        with translation.override(language):
            sheet.append([_("Fields")])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for name, (_kind, _unit, description) in FIELDS.items():
            sheet.append([f"{name}: {translated(description)[language]}"])
        for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
            cell.alignment = Alignment(wrap_text=True, **({"horizontal": "right", "readingOrder": 2}
                                                          if language == "ar" else {}))  # fmt: skip
    workbook.save(path)


def _xlsx_value(value: object) -> object:
    return "" if value is None else value


def validate_package(directory: Path) -> list[str]:
    """The errors frictionless finds in the package of ``directory`` (none: valid)."""
    import frictionless

    report = frictionless.validate(str(directory / "datapackage.json"))
    if report.valid:
        return []
    errors = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            where = f"{task.name}, row {row}" if row else task.name
            errors.append(f"{where}: {error.message}")
    errors += [error.message for error in report.errors]
    return errors or [_("The data package is not valid.")]


@dataclass
class BuiltPackage:
    files: list[tuple[str, str, str]]  # (name, media type, English title)
    methodology: dict[str, dict]
    summary: dict
    package_sha256: str


def write_package(
    directory: Path,
    *,
    scope: Scope,
    year: int,
    version: int,
    taken_at: datetime,
    published_at: datetime,
    figures: dict[str, Figures],
) -> BuiltPackage:
    """Write every file of the package into ``directory`` (an empty folder) and return what was written."""
    resources = [
        (RESOURCES[0], gap_rows(year, scope, figures["occupation"])),
        (RESOURCES[1], gap_rows(year, scope, figures["sector"])),
        (RESOURCES[2], [r for d in DIMENSIONS for r in total_rows(year, scope, figures[d])]),
        (RESOURCES[3], [r for d in DIMENSIONS for r in projection_rows(year, scope, figures[d])]),
    ]
    methods = [r["method"] for r in resources[3][1] if not r["observed"] and r["method"]]
    notes = methodology(scope, year, version, taken_at, published_at, methods)
    files: list[tuple[str, str, str]] = []
    descriptors = []
    for spec, rows in resources:
        name = f"{spec.name}.csv"
        _csv(directory / name, spec.fields, rows)
        titles = translated(spec.title)
        descriptors.append(
            {
                "name": spec.name,
                "path": name,
                "title": titles["en"],
                "titles": titles,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "hash": f"sha256:{sha256_of(directory / name)}",
                "bytes": (directory / name).stat().st_size,
                "schema": table_schema(spec),
            }
        )
        files.append((name, "text/csv", titles["en"]))
    for language in LANGUAGES:
        name = f"methodology.{language}.md"
        (directory / name).write_text(methodology_markdown(notes[language]), encoding="utf-8")
        files.append((name, "text/markdown", notes[language]["title"]))
    xlsx_name = f"kafaat-{scope.code.lower()}-{year}-v{version}.xlsx"
    _xlsx(directory / xlsx_name, resources, notes)
    files.append((xlsx_name, XLSX_MEDIA_TYPE, "XLSX"))
    package = {
        "profile": "tabular-data-package",
        "name": f"kafaat-{scope.code.lower()}-{year}",
        "id": f"kafaat-{scope.code.lower()}-{year}-v{version}",
        "title": notes["en"]["title"],
        "titles": {lang: notes[lang]["title"] for lang in LANGUAGES},
        "description": translated(
            gettext_noop("Training supply against labour demand: gaps, totals and projections.")
        )["en"],
        "version": f"{version}.0.0",
        "created": published_at.isoformat(),
        "licenses": [LICENCE],
        "sources": [
            {"title": "Kafaat warehouse snapshot", "taken_at": taken_at.isoformat()},
            {
                "title": "HCP, Recensement général de la population et de l'habitat 2024",
                "path": "https://www.hcp.ma",
            },
        ],
        "keywords": ["vocational training", "labour demand", "skills gaps", "Morocco", scope.code],
        "resources": descriptors,
    }
    (directory / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    files.insert(0, ("datapackage.json", "application/json", "Data Package descriptor"))
    summary = {
        "rows": {spec.name: len(rows) for spec, rows in resources},
        "suppressed": sum(
            1 for _spec, rows in resources for row in rows for v in row.values() if v == MARKER
        ),
    }
    return BuiltPackage(files, notes, summary, sha256_of(directory / "datapackage.json"))
