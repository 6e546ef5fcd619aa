import pytest

from kafaat.observatory import snapshot


@pytest.fixture(autouse=True)
def _warehouse_in_tmp(settings, tmp_path):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    yield
    snapshot.close_all()


@pytest.fixture
def fake_gaps(monkeypatch):
    """kafaat.observatory.gaps replaced by hand-set figures (see fake_gaps.py)."""
    import sys

    import kafaat.observatory
    from kafaat.observatory.tests import fake_gaps as fake

    monkeypatch.setitem(sys.modules, "kafaat.observatory.gaps", fake)
    monkeypatch.setattr(kafaat.observatory, "gaps", fake, raising=False)
    return fake


@pytest.fixture
def open_data_dir(settings, tmp_path):
    settings.KAFAAT_OPEN_DATA_DIR = tmp_path / "open-data"
    return settings.KAFAAT_OPEN_DATA_DIR


@pytest.fixture(autouse=True)
def _no_dashboard_prewarm(settings):
    settings.KAFAAT_DASHBOARD_PREWARM = False  # no background threads in tests (test_dashboard tests prewarm)
    settings.KAFAAT_DASHBOARD_LAZY_CHARTS = False  # charts in the page (test_dashboard tests the lazy ones)
