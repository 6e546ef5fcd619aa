"""IATI 2.03 activity export: plain dataclasses in, a schema-valid ``<iati-activities>`` document out.

Public entry points: `export_activities` / `export_activity`, `schema_errors`, `value_of` and the activity's
dataclasses. The parts: `activity` (the dataclasses), `rules` (what the schema cannot express), `document`
(writing and validating the XML).
"""

from kafaat.results.iati.activity import (
    LANGUAGES,
    SUPPRESSED_COMMENT,
    Activity,
    Administrative,
    Baseline,
    Budget,
    Country,
    Dates,
    Dimension,
    IatiError,
    Indicator,
    Location,
    Money,
    Narrative,
    Number,
    Org,
    Period,
    Region,
    Result,
    Sector,
    Texts,
    Transaction,
    Value,
    value_of,
)
from kafaat.results.iati.document import SCHEMA, XML_LANG, export_activities, export_activity, schema_errors
from kafaat.results.iati.rules import check_activity

__all__ = [
    "Activity",
    "Administrative",
    "Baseline",
    "Budget",
    "Country",
    "Dates",
    "Dimension",
    "IatiError",
    "Indicator",
    "LANGUAGES",
    "Location",
    "Money",
    "Narrative",
    "Number",
    "Org",
    "Period",
    "Region",
    "Result",
    "SCHEMA",
    "SUPPRESSED_COMMENT",
    "Sector",
    "Texts",
    "Transaction",
    "Value",
    "XML_LANG",
    "check_activity",
    "export_activities",
    "export_activity",
    "schema_errors",
    "value_of",
]
