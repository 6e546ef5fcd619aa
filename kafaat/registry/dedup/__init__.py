"""Deduplication of the registry: record linkage with Splink, the review queue, merges and their undoing.

Public entry points: `services` (the batch run, the review queue, the likely matches at registration:
`start_run`, `accept`, `reject`, `undo`, `likely_matches`…), `merging` (`merge`, `unmerge`), `spreadsheet`
(the duplicate check of any spreadsheet), `matches_panel` (the registration form's likely matches), `linkage`
(prepare, train, link) and the name keys (`name_key`, `transliterate_arabic`, `parse_birth_date`). The parts:
`keys`, `linkage` (with `linkage_model.json`, the trained model), `splink_settings` and `matching` (the Splink
model and the blocking index: they import Splink, so they are imported where a model is built or a record
matched, not here), `merging`, `services`, `spreadsheet` and `matches_panel`. Who may review duplicates is
`kafaat.registry.dedup_access`, below the registry's access rules (this package's services read them).
"""

from kafaat.registry.dedup import linkage, matches_panel, merging, services, spreadsheet
from kafaat.registry.dedup.keys import COMPARISON_COLUMNS, name_key, parse_birth_date, transliterate_arabic
from kafaat.registry.dedup.merging import merge, unmerge

__all__ = [
    "COMPARISON_COLUMNS",
    "linkage",
    "matches_panel",
    "merge",
    "merging",
    "name_key",
    "parse_birth_date",
    "services",
    "spreadsheet",
    "transliterate_arabic",
    "unmerge",
]
