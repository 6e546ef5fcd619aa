"""The demo site, loaded once for the module: the data every page of the language check is rendered with."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (organisations, the ten log-ins, ~3,000 people with pathways, each app's data) and its
    warehouse snapshot, inside a transaction rolled back at the end (the tests nest in it)."""
    from kafaat.observatory import snapshot, warehouse
    from kafaat.synth.demo import load_demo

    folder = tmp_path_factory.mktemp("site")
    with (
        override_settings(
            KAFAAT_WAREHOUSE_PATH=folder / "warehouse.duckdb",
            KAFAAT_OPEN_DATA_DIR=folder / "open-data",
            KAFAAT_DASHBOARD_PREWARM=False,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            warehouse.refresh()
            yield
        finally:
            snapshot.close_all()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
