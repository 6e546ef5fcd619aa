"""The database part of a backup: a consistent copy, taken and put back per vendor.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the live database page by page, readers and
writers carrying on; PostgreSQL: `pg_dump --format=custom` inside an exported snapshot, so that the row counts
of the manifest and the dump describe the same instant, and `pg_restore` to put it back.
Sessions and django-axes' sign-in attempts are left out (rows emptied): sessions would let a copy sign
people in, and the attempts are short-lived counters holding addresses (the audit log keeps every failure).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.db.migrations.loader import MigrationLoader

from kafaat.core.backup.streams import CHUNK, BackupError, EncryptingWriter, encrypt_file

EXCLUDED_TABLES = ("django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")
# A database "holds data" when one of these has rows; migrations alone fill reference tables only.
DATA_TABLES = ("auth_user", "core_organisation", "registry_person")


def vendor(using: str = "default") -> str:
    return connections[using].vendor


def code_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def table_counts(using: str = "default") -> dict[str, int]:
    connection = connections[using]
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def holds_data(using: str = "default") -> bool:
    counts = table_counts(using)
    return any(counts.get(table, 0) for table in DATA_TABLES)


def _migrations_of(rows) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


# --- SQLite ------------------------------------------------------------------------------------------------


def dump_sqlite(using: str, scratch: Path, target: Path, key: bytes) -> tuple[EncryptingWriter, dict, dict]:
    connection = connections[using]
    connection.ensure_connection()
    plain = scratch / "database.sqlite3"
    copy = sqlite3.connect(plain)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        tables = [row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in EXCLUDED_TABLES:
            if table in tables:
                copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 — a constant
        copy.commit()
        copy.execute("VACUUM")  # the deleted rows must not linger in free pages
        counts = {
            table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in sorted(tables)
            if not table.startswith("sqlite_")
        }
        migrations = _migrations_of(copy.execute("SELECT app, name FROM django_migrations"))
    finally:
        copy.close()
    writer = encrypt_file(plain, target, key)
    plain.unlink()
    return writer, counts, migrations


def restore_sqlite(using: str, plain: Path) -> None:
    connection = connections[using]
    name = connection.settings_dict["NAME"]
    connection.close()
    source, destination = sqlite3.connect(plain), sqlite3.connect(name)
    try:
        source.backup(destination)  # replaces every page of the destination, in one step
    finally:
        source.close()
        destination.close()


# --- PostgreSQL --------------------------------------------------------------------------------------------


def _client_environment(using: str) -> dict[str, str]:
    """libpq's variables: the password never appears on a command line (`ps` shows those)."""
    import os

    settings = connections[using].settings_dict
    values = {
        "PGDATABASE": settings["NAME"],
        "PGUSER": settings.get("USER") or "",
        "PGPASSWORD": settings.get("PASSWORD") or "",
        "PGHOST": settings.get("HOST") or "",
        "PGPORT": str(settings.get("PORT") or ""),
    }
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def _client(tool: str, using: str) -> str:
    """The path of pg_dump / pg_restore, refused when missing or older than the server."""
    path = shutil.which(tool)
    connection = connections[using]
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if path is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client tools of version {server} or newer "
            "(Debian, Ubuntu: apt-get install postgresql-client)."
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    if found is None or int(found.group(1)) < server:
        raise BackupError(
            f"{output.strip()} is older than the PostgreSQL server ({server}): install a newer one."
        )
    return path


def dump_postgres(using: str, target: Path, key: bytes) -> tuple[EncryptingWriter, dict, dict]:
    import psycopg

    pg_dump = _client("pg_dump", using)
    environment = _client_environment(using)
    settings = connections[using].settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        autocommit=True,
    ) as snapshot:
        # The counts and pg_dump read the same snapshot, held open by this transaction until the dump ends.
        snapshot.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        name = snapshot.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # Django's list of tables (partitions are counted in their parent), as `table_counts` reads it back.
        tables = sorted(connections[using].introspection.table_names())
        counts = {
            table: 0
            if table in EXCLUDED_TABLES
            else snapshot.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }
        migrations = _migrations_of(snapshot.execute("SELECT app, name FROM django_migrations"))
        command = [pg_dump, "--format=custom", f"--snapshot={name}", "--no-owner", "--no-privileges"]
        command += [f"--exclude-table-data={table}" for table in EXCLUDED_TABLES]
        with open(target, "wb") as handle:
            writer = EncryptingWriter(handle, key)
            process = subprocess.Popen(  # noqa: S603 — our command, libpq's environment
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment
            )
            while chunk := process.stdout.read(CHUNK):
                writer.write(chunk)
            writer.close()
            errors = process.stderr.read().decode(errors="replace")
            if process.wait() != 0:
                raise BackupError(f"pg_dump failed: {errors.strip()}")
        snapshot.execute("COMMIT")
    return writer, counts, migrations


def restore_postgres(using: str, plain: Path) -> None:
    pg_restore = _client("pg_restore", using)
    connections[using].close()
    command = [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    command += ["--exit-on-error", f"--dbname={connections[using].settings_dict['NAME']}", str(plain)]
    result = subprocess.run(command, capture_output=True, text=True, env=_client_environment(using))  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored: {result.stderr.strip()}")
