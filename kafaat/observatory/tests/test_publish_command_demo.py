"""`python -m kafaat publish` end to end, as a user runs it: on the demo data (`demo --no-serve`, which also
refreshes the warehouse), in a separate process and a throw-away SQLite database; then its refusals."""

from __future__ import annotations

import os
import subprocess
import sys

import frictionless
import pytest


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    var = tmp_path_factory.mktemp("demo-var")
    env = {**os.environ, "KAFAAT_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var / 'kafaat.sqlite3'}"}
    env.pop("KAFAAT_WAREHOUSE_PATH", None)
    env.pop("KAFAAT_OPEN_DATA_DIR", None)
    done = kafaat(env, "demo", "--no-serve")
    assert done.returncode == 0, done.stderr[-3000:]
    return env, var


def kafaat(env, *args):
    return subprocess.run([sys.executable, "-m", "kafaat", *args], env=env, capture_output=True, text=True,
                          timeout=600)  # fmt: skip


def test_publish_on_the_demo_data(demo_env, tmp_path):
    env, var = demo_env
    out = tmp_path / "ma-02"
    done = kafaat(env, "publish", "--region", "MA-02", "--year", "2025", "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Published MA-02 2025 v1" in done.stdout
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    stored = var / "media" / "open-data" / "MA-02" / "2025" / "v1"
    assert sorted(p.name for p in stored.iterdir()) == sorted(p.name for p in out.iterdir())
    assert (out / "gaps_by_occupation.csv").read_text(encoding="utf-8").count("\n") > 5
    again = kafaat(env, "publish", "--region", "MA-02", "--year", "2025", "--out", str(tmp_path / "again"))
    assert again.returncode == 0 and "v2" in again.stdout  # a new version; v1 stays as it was


@pytest.mark.parametrize(
    ("region", "year", "message"),
    [
        ("MA-77", "2025", "Région MA-77 inconnue"),
        ("MA-02", "1990", "Aucune donnée pour 1990"),
    ],  # French: default
)
def test_publish_refuses_with_a_message_and_a_non_zero_status(demo_env, tmp_path, region, year, message):
    env, _var = demo_env
    done = kafaat(env, "publish", "--region", region, "--year", year, "--out", str(tmp_path / "x"))
    assert done.returncode != 0
    assert message in done.stderr
    assert not (tmp_path / "x").exists()


def test_publish_without_a_warehouse_snapshot(tmp_path):
    env = {
        **os.environ,
        "KAFAAT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    assert kafaat(env, "migrate", "--verbosity", "0").returncode == 0
    done = kafaat(env, "publish", "--region", "MA-02", "--year", "2025", "--out", str(tmp_path / "x"))
    assert done.returncode != 0 and "pas encore d'instantané de l'entrepôt" in done.stderr
