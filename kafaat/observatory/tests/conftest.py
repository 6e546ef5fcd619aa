import pytest

from kafaat.observatory import snapshot


@pytest.fixture(autouse=True)
def _warehouse_in_tmp(settings, tmp_path):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    yield
    snapshot.close_all()
