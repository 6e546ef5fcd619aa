"""Importing people and pathway steps from a programme's spreadsheets (docs/import.md).

Public entry points: `KINDS`, `spec_for` and `columns_for` (the kinds of file, for pages and commands),
`PeopleImport` and `StepsImport` (the import specs), `PEOPLE_COLUMNS` and `STEP_COLUMNS` (the templates'
columns, read by the export too), and `runs` (the import as a background job: `runs.start`, `runs.register`).
The parts: `people`, `steps`, `columns`, `keys` (the fingerprint of a row, for idempotence), `kinds`, `runs`
and `search_rows` (the search table's rows of a bulk write on SQLite).
"""

from kafaat.registry.imports import runs
from kafaat.registry.imports.columns import PEOPLE_COLUMNS
from kafaat.registry.imports.keys import fingerprint, stored_fingerprints
from kafaat.registry.imports.kinds import KINDS, columns_for, spec_for
from kafaat.registry.imports.people import PERSON_FIELDS, PeopleImport
from kafaat.registry.imports.search_rows import insert_triggers_paused
from kafaat.registry.imports.steps import STEP_COLUMNS, StepsImport, step_kind

__all__ = [
    "KINDS",
    "PEOPLE_COLUMNS",
    "PERSON_FIELDS",
    "STEP_COLUMNS",
    "PeopleImport",
    "StepsImport",
    "columns_for",
    "fingerprint",
    "insert_triggers_paused",
    "runs",
    "spec_for",
    "step_kind",
    "stored_fingerprints",
]
