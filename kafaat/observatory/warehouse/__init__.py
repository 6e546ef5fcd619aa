"""The analytics warehouse: `refresh()` builds a pseudonymised DuckDB snapshot of the operational database.

Public entry points: `refresh`, `read_meta`, `RefreshResult`, `warehouse_path` (where the snapshot is; read
through `kafaat.observatory.snapshot`). The parts, private to this package: `build` (the snapshot's tables,
then the suppression patterns of `disclosure`), `source` (the bulk read), `pseudonyms` (pseudonyms and the
decrypted categories) and `supply_demand` (the tables of the gaps and prospects).
"""

from kafaat.observatory.snapshot import warehouse_path
from kafaat.observatory.warehouse.build import SOURCES, STAGES, VERSION, RefreshResult, read_meta, refresh

__all__ = ["SOURCES", "STAGES", "VERSION", "RefreshResult", "read_meta", "refresh", "warehouse_path"]
