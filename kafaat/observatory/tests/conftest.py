import pytest

from kafaat.observatory import snapshot


@pytest.fixture(autouse=True)
def _warehouse_in_tmp(settings, tmp_path):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    yield
    snapshot.close_all()


@pytest.fixture(autouse=True)
def _no_dashboard_prewarm(settings):
    settings.KAFAAT_DASHBOARD_PREWARM = False  # no background threads in tests (test_dashboard tests prewarm)
