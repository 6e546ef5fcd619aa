"""ISCO-08 unit groups (4 digits) a programme may prepare for, checked against the ESCO list of ISCO groups.

The list is `data/isco08_unit_groups.csv`, the 4-digit rows of ESCO's ISCOGroups_en.csv. The occupations
classifier (kafaat/labour) will own the full classification; until then the codes are plain validated strings.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).parent / "data" / "isco08_unit_groups.csv"
_SEPARATORS = re.compile(r"[\s,;/|]+")


@cache
def unit_groups() -> dict[str, str]:
    """ISCO-08 unit group code → its English label."""
    with DATA.open(encoding="utf-8") as handle:
        return {row["code"]: row["label_en"] for row in csv.DictReader(handle)}


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
