"""One validation of a person's data, shared by the registration form, the API and the importer.

Public entry points: `clean_person` (one person), `clean_columns` (whole columns of a file, the importer),
`PERSON_RULES` (the one declaration of the rules: `Rule`, `Context`), `territory_index` and `TerritoryIndex`,
and the parsers the other importers share (`parse_date`, `parse_bool`, `choice`). The parts: `rules` and
`columns`.
"""

from kafaat.registry.validation.columns import MEMO_LIMIT, clean_columns
from kafaat.registry.validation.rules import (
    DATE_FORMATS,
    NAME_FIELDS,
    PERSON_RULES,
    WG_FIELDS,
    Cleaned,
    Context,
    Rule,
    TerritoryIndex,
    choice,
    clean_person,
    parse_bool,
    parse_date,
    territory_index,
)

__all__ = [
    "DATE_FORMATS",
    "MEMO_LIMIT",
    "NAME_FIELDS",
    "PERSON_RULES",
    "WG_FIELDS",
    "Cleaned",
    "Context",
    "Rule",
    "TerritoryIndex",
    "choice",
    "clean_columns",
    "clean_person",
    "parse_bool",
    "parse_date",
    "territory_index",
]
