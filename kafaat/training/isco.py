"""ISCO-08 unit groups (4 digits) a programme may prepare for, checked against the ESCO list of ISCO groups.

The list is the 4-digit rows of the labour app's classification file (`kafaat/labour/data/isco08.csv`, ESCO's
ISCOGroups in English and French): one file for every page that names an occupation. A programme's codes stay
plain validated strings, not links to the labour app's Occupation rows.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parents[1] / "labour" / "data" / "isco08.csv"
_SEPARATORS = re.compile(r"[\s,;/|]+")


@cache
def unit_groups() -> dict[str, dict[str, str]]:
    """ISCO-08 unit group code → its labels (`label_en`, `label_fr`, `label_ar`; the Arabic one is empty)."""
    with DATA.open(encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle) if len(row["code"]) == 4}


def parse_codes(value) -> list[str]:
    """ISCO-08 codes from a cell or a list ("7212, 7214" or "7212;7214"); ValueError names the bad ones."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else _SEPARATORS.split(str(value).strip())
    codes, unknown = [], []
    for item in items:
        code = str(item).strip()
        if code.endswith(".0"):  # a number cell from a spreadsheet
            code = code[:-2]
        if not code:
            continue
        if code not in unit_groups():
            unknown.append(code)
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise ValueError(
            _("Not an ISCO-08 unit group (4 digits): %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return codes
