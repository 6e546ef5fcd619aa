"""`backup` → a fresh, empty database → `restore`: every table's count and every decrypted sensitive field
come back; a wrong backup key, other field keys or an altered file are refused before anything is written.

The backup runs here, on the test database (SQLite or PostgreSQL, whichever the suite runs on); the restore
runs as the operator runs it, `python -m kafaat restore`, in a new process pointed at a new database.
"""

import base64
import json
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kafaat.core.backup.database import EXCLUDED_TABLES, table_counts
from kafaat.registry import services as registry
from kafaat.registry.models import Person

ROOT = Path(__file__).resolve().parents[3]
KEY = base64.urlsafe_b64encode(b"backup-key-of-the-test-suite-32b").decode()
OTHER_KEY = base64.urlsafe_b64encode(b"another-backup-key-32-bytes-long").decode()
PEOPLE = [
    {"first_name_latin": "Fatima Zahra", "last_name_latin": "Benali", "id_number": "F123456",
     "migration_status": "moroccan", "wg_seeing": 1, "wg_hearing": 1, "wg_mobility": 3, "wg_cognition": 1,
     "wg_self_care": 1, "wg_communication": 1},
    {"first_name_latin": "Amadou", "last_name_latin": "Diallo", "id_type": "passport",
     "id_number": "P7788991", "migration_status": "refugee", "nationality": "SN"},
    {"first_name_latin": "Youssef", "last_name_latin": "Amrani", "id_number": "AB998877",
     "migration_status": "asylum_seeker"},
]  # fmt: skip
COMMON = {
    "sex": "F",
    "birth_date": "12/03/2001",
    "commune": "Oujda",
    "phone": "06 12 34 56 78",
    "id_type": "cin",
}
READ_BACK = """
import json, django
django.setup()
from kafaat.core.backup.database import table_counts
from kafaat.registry.models import Person
people = {p.external_id: [p.id_number, p.migration_status, p.disability_answers, p.id_number_hash]
          for p in Person.objects.all()}
print(json.dumps({"counts": table_counts(), "people": people}))
"""


@pytest.fixture
def registered(transactional_db, world, settings, tmp_path, client):
    """Committed data (the backup reads the database as another process would): people with sensitive
    fields, a signed-in session, an upload and an open-data file."""
    settings.MEDIA_ROOT = tmp_path / "source" / "media"
    settings.KAFAAT_OPEN_DATA_DIR = settings.MEDIA_ROOT / "open-data"
    for relative, content in (
        ("imports/1/errors.xlsx", b"report"),
        ("open-data/ma-02/v1/gaps.csv", b"a,b\n"),
    ):
        (settings.MEDIA_ROOT / relative).parent.mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / relative).write_bytes(content)
    caseworker = world["users"]["caseworker_a"]
    for number, person in enumerate(PEOPLE):
        data = {**COMMON, **person, "external_id": f"BK-{number}"}
        registry.register_person(caseworker, data, consent_given_on=date(2026, 1, 5))
    client.force_login(caseworker)  # a session row, which the backup must leave out
    return tmp_path


@pytest.fixture
def target(tmp_path):
    """A fresh, empty database of the suite's vendor, and the environment of a process that uses it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFAAT_BACKUP_KEY")}
    env.update(KAFAAT_VAR_DIR=str(tmp_path / "target"), KAFAAT_BACKUP_KEY=KEY)
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'target' / 'restored.sqlite3'}"
        yield env
        return
    import psycopg

    params = connection.settings_dict
    name = f"kafaat_restore_{uuid.uuid4().hex[:12]}"
    server = {"host": params["HOST"], "port": params["PORT"] or 5432, "user": params["USER"]}
    with psycopg.connect(
        dbname="postgres", password=params["PASSWORD"] or None, autocommit=True, **server
    ) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    credentials = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    env["DATABASE_URL"] = f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(
            dbname="postgres", password=params["PASSWORD"] or None, autocommit=True, **server
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _kafaat(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kafaat", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _read_back(env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", READ_BACK],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "kafaat.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _backup(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("KAFAAT_BACKUP_KEY", KEY)
    out = tmp_path / "backup"
    call_command("backup", out=str(out))
    return out


def test_round_trip_restores_every_row_and_every_sensitive_field(registered, target, monkeypatch):
    source_counts = table_counts()
    assert source_counts["django_session"] == 1 and source_counts["registry_person"] == 3
    source_people = {
        p.external_id: [p.id_number, p.migration_status, p.disability_answers, p.id_number_hash]
        for p in Person.objects.all()
    }
    assert source_people["BK-0"][2] is not None and source_people["BK-1"][1] == "refugee"
    backup = _backup(registered, monkeypatch)
    # Nothing readable in the files: no identity number, no name.
    for path in backup.glob("*.kbk"):
        assert b"F123456" not in path.read_bytes() and b"Benali" not in path.read_bytes()
    manifest = json.loads((backup / "manifest.json").read_text())["manifest"]
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["row_counts"]["django_session"] == 0 and manifest["row_counts"]["registry_person"] == 3
    assert set(manifest["media_files"]) == {
        "media/imports/1/errors.xlsx",
        "media/open-data/ma-02/v1/gaps.csv",
    }
    assert "F123456" not in json.dumps(manifest)

    result = _kafaat(target, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "every count as in the manifest" in result.stdout

    restored = _read_back(target)
    expected = {table: 0 if table in EXCLUDED_TABLES else count for table, count in source_counts.items()}
    assert restored["counts"] == expected
    assert restored["people"] == source_people
    media = Path(target["KAFAAT_VAR_DIR"]) / "media"
    assert (media / "imports/1/errors.xlsx").read_bytes() == b"report"
    assert (media / "open-data/ma-02/v1/gaps.csv").read_bytes() == b"a,b\n"

    # Restoring again onto the restored database: refused (it holds data) unless --force.
    again = _kafaat(target, "restore", str(backup))
    assert again.returncode != 0 and "not empty" in again.stderr and "--force" in again.stderr


def _nothing_written(env: dict) -> None:
    counts = _read_back_counts(env)
    assert counts.get("registry_person", 0) == 0 and counts.get("auth_user", 0) == 0


def _read_back_counts(env: dict) -> dict:
    script = "import json, django; django.setup(); from kafaat.core.backup.database import table_counts; "
    script += "print(json.dumps(table_counts()))"
    env = {**env, "DJANGO_SETTINGS_MODULE": "kafaat.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_wrong_backup_key_is_refused_and_nothing_is_written(registered, target, monkeypatch):
    backup = _backup(registered, monkeypatch)
    result = _kafaat({**target, "KAFAAT_BACKUP_KEY": OTHER_KEY}, "restore", str(backup))
    assert result.returncode != 0 and "Wrong backup key" in result.stderr
    _nothing_written(target)


def test_other_field_keys_are_refused_with_the_reason(registered, target, monkeypatch):
    backup = _backup(registered, monkeypatch)
    other_field_key = base64.urlsafe_b64encode(b"a-field-key-no-backup-was-made-w").decode()
    result = _kafaat({**target, "KAFAAT_FIELD_KEYS": other_field_key}, "restore", str(backup))
    assert result.returncode != 0 and "KAFAAT_FIELD_KEYS" in result.stderr
    assert "field-encryption keys this backup needs are not configured" in result.stderr
    _nothing_written(target)
    result = _kafaat({**target, "KAFAAT_HASH_KEY": "h" * 40}, "restore", str(backup))
    assert result.returncode != 0 and "KAFAAT_HASH_KEY" in result.stderr


def test_an_altered_file_is_refused(registered, target, monkeypatch):
    backup = _backup(registered, monkeypatch)
    damaged = next(backup.glob("database.*.kbk"))
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    result = _kafaat(target, "restore", str(backup))
    assert result.returncode != 0 and "checksum mismatch" in result.stderr
    _nothing_written(target)


def test_a_backup_from_newer_code_is_refused(registered, target, monkeypatch):
    from kafaat.core.backup.streams import load_key, sign

    backup = _backup(registered, monkeypatch)
    document = json.loads((backup / "manifest.json").read_text())
    document["manifest"]["migrations"]["core"].append("9999_from_the_future")
    body = json.dumps(document["manifest"], indent=1, sort_keys=True).encode()
    document["signature"] = sign(
        load_key(KEY), body
    )  # a genuine backup of a newer Kafaat, not an altered one
    (backup / "manifest.json").write_text(json.dumps(document))
    result = _kafaat(target, "restore", str(backup))
    assert (
        result.returncode != 0
        and "newer Kafaat" in result.stderr
        and "core.9999_from_the_future" in result.stderr
    )
    _nothing_written(target)
