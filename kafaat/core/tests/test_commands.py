"""The command line: `python -m kafaat`, the idempotent demo, deploy settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command

from kafaat.core.models import AuditEvent, Membership, Organisation
from kafaat.observatory.models import Snapshot

ROOT = Path(__file__).resolve().parents[3]


def test_the_demo_command_is_idempotent(db, capsys, settings, tmp_path, django_capture_on_commit_callbacks):
    # The demo command lives in the synth app (kafaat/synth/tests/test_demo.py checks its data in depth).
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    with django_capture_on_commit_callbacks(execute=True):  # as outside a test's transaction
        call_command("demo", no_serve=True)
    counts = (Organisation.objects.count(), get_user_model().objects.count(), Membership.objects.count())
    first_output = capsys.readouterr().out
    assert Snapshot.objects.count() == 1  # the warehouse refreshed once, after every loader
    logged = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", no_serve=True)
    # Nothing changed: no new snapshot, no audit rows.
    assert (Snapshot.objects.count(), AuditEvent.objects.count()) == (1, logged)
    assert (
        Organisation.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    ) == counts
    assert counts[0] >= 10 and counts[1] >= 9
    assert "caseworker.oujda" in first_output and "Kafaat-demo-2026" in first_output
    assert "Project kafaat-emploi: 3,000 new people" in first_output
    second_output = capsys.readouterr().out
    assert "0 new organisations, 0 new users, 0 new memberships" in second_output
    assert "0 new people, 0 new pathway steps" in second_output
    assert "Warehouse already up to date." in second_output


def test_python_m_kafaat_lists_its_commands():
    result = subprocess.run(
        [sys.executable, "-m", "kafaat", "--help"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    for command in ("demo", "generate", "compiletranslations"):
        assert f"  {command} " in result.stdout


def test_production_settings_pass_the_deploy_check():
    env = {
        **{
            k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },  # set by the browser tests
        "KAFAAT_ENV": "production",
        "KAFAAT_SECRET_KEY": "x" * 20 + "a-production-secret-of-enough-length-and-variety-42",
        "KAFAAT_ALLOWED_HOSTS": "kafaat.example.org",
        "KAFAAT_FIELD_KEYS": "Yk7C3sTTEFx7OQv1Sb1xrQ3Z6m4bH0s0hq0f6Q0oX3Q=",
        "KAFAAT_HASH_KEY": "h" * 40,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k != "KAFAAT_SECRET_KEY"}
    env["KAFAAT_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert result.returncode != 0 and "KAFAAT_SECRET_KEY" in result.stderr


def test_the_deploy_check_refuses_production_without_encryption_keys():
    env = {
        **{
            k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "KAFAAT_FIELD_KEYS")
        },
        "KAFAAT_ENV": "production",
        "KAFAAT_SECRET_KEY": "x" * 20 + "a-production-secret-of-enough-length-and-variety-42",
        "KAFAAT_ALLOWED_HOSTS": "kafaat.example.org",
        "KAFAAT_HASH_KEY": "short",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert result.returncode != 0
    assert "kafaat.E001" in result.stderr and "kafaat.E003" in result.stderr


def test_commands_are_spelled_with_dashes(tmp_path):
    out = tmp_path / "modele.xlsx"
    command = ["-m", "kafaat", "import-template", "--kind", "people", "--lang", "ar", "--out", str(out)]
    result = subprocess.run([sys.executable, *command], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0
    listing = subprocess.run(
        [sys.executable, "-m", "kafaat", "--help"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "  import-template " in listing.stdout and "import_template" not in listing.stdout


def test_dumpdata_refuses_encrypted_personal_data_unless_asked(db, capsys):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="registry.Person hold"):
        call_command("dumpdata")
    with pytest.raises(CommandError, match="in clear"):
        call_command("dumpdata", "registry")
    call_command("dumpdata", "core.territory", "--format", "json")  # no personal data: as before
    assert '"model": "core.territory"' in capsys.readouterr().out
    call_command("dumpdata", "registry.person", "--include-personal-data")
    assert capsys.readouterr().out.strip() == "[]"
