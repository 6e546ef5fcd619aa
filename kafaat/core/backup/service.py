"""Backups and restores: what goes in, the manifest, and every check a restore makes before writing.

A backup folder holds `manifest.json` (readable, signed with the backup key) and encrypted `.kbk` files
(kafaat/core/backup/streams.py): the database and the media that cannot be rebuilt (uploads, import error
reports, open-data packages). The DuckDB warehouse is not in it: `refresh-warehouse` rebuilds it.
"""

from __future__ import annotations

import json
import platform
import shutil
import tarfile
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings

from kafaat.core import crypto
from kafaat.core.backup import database
from kafaat.core.backup.streams import (
    BackupError,
    EncryptingWriter,
    decrypt_file,
    key_id,
    sha256_of,
    sign,
    verify,
)

FORMAT = "kafaat-backup-1"
MANIFEST = "manifest.json"
MEDIA = "media.tar.kbk"


def _media_roots() -> dict[str, Path]:
    """Archive prefix → folder; the open-data folder only when it is not inside MEDIA_ROOT already."""
    media, open_data = Path(settings.MEDIA_ROOT), Path(settings.KAFAAT_OPEN_DATA_DIR)
    roots = {"media": media}
    if not open_data.resolve().is_relative_to(media.resolve()):
        roots["open-data"] = open_data
    return roots


@contextmanager
def _scratch():
    """A private temporary folder for plaintext copies, removed whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="kafaat-backup-"))  # mode 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kafaat_version() -> str:
    try:
        return metadata.version("kafaat")
    except metadata.PackageNotFoundError:
        return "unknown"


def create_backup(out: Path, key: bytes, *, using: str = "default") -> dict:
    """Write a backup into the new (or empty) folder `out`; the manifest."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: a backup goes into a new folder.")
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    vendor = database.vendor(using)
    files: dict[str, dict] = {}

    def record(name: str, writer: EncryptingWriter) -> None:
        files[name] = {
            "sha256": writer.sha256.hexdigest(),
            "bytes": writer.size,
            "sha256_encrypted": sha256_of(out / name),
        }

    name = "database.sqlite3.kbk" if vendor == "sqlite" else "database.pgdump.kbk"
    if vendor == "sqlite":
        with _scratch() as scratch:
            writer, counts, migrations = database.dump_sqlite(using, scratch, out / name, key)
    elif vendor == "postgresql":
        writer, counts, migrations = database.dump_postgres(using, out / name, key)
    else:
        raise BackupError(f"Backups of a {vendor} database are not supported.")
    record(name, writer)
    media_files: dict[str, str] = {}
    with open(out / MEDIA, "wb") as handle:
        writer = EncryptingWriter(handle, key)
        with tarfile.open(fileobj=writer, mode="w|") as archive:
            for prefix, root in _media_roots().items():
                for path in sorted(root.rglob("*")) if root.exists() else []:
                    if path.is_file() and not path.is_symlink():
                        arcname = f"{prefix}/{path.relative_to(root).as_posix()}"
                        media_files[arcname] = sha256_of(path)
                        archive.add(path, arcname=arcname, recursive=False)
        writer.close()
    record(MEDIA, writer)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kafaat_version": _kafaat_version(),
        "django_version": django.get_version(),
        "python_version": platform.python_version(),
        "database": {"vendor": vendor, "file": name, "excluded_rows_of": list(database.EXCLUDED_TABLES)},
        "migrations": migrations,
        "row_counts": counts,
        "keys": crypto.key_fingerprints(),
        "backup_key_id": key_id(key),
        "files": files,
        "media_files": media_files,
    }
    body = json.dumps(manifest, indent=1, sort_keys=True)
    document = {"manifest": manifest, "signature": sign(key, body.encode())}
    (out / MANIFEST).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def read_manifest(folder: Path, key: bytes) -> dict:
    """The manifest, once the key and the signature are checked."""
    path = Path(folder) / MANIFEST
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        manifest, signature = document["manifest"], document["signature"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{path} is missing or unreadable: is {folder} a Kafaat backup?") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} (this Kafaat reads {FORMAT}).")
    if manifest.get("backup_key_id") != key_id(key):
        raise BackupError(
            "Wrong backup key: this backup was made with another KAFAAT_BACKUP_KEY / --key-file."
        )
    if not verify(key, json.dumps(manifest, indent=1, sort_keys=True).encode(), signature):
        raise BackupError(f"{MANIFEST} was altered after the backup (its signature does not match).")
    return manifest


def check_restorable(folder: Path, manifest: dict, *, force: bool, using: str = "default") -> None:
    """Every refusal, before anything is written."""
    configured = crypto.key_fingerprints()
    missing = [fp for fp in manifest["keys"]["field_keys"] if fp not in configured["field_keys"]]
    if missing:
        raise BackupError(
            "The field-encryption keys this backup needs are not configured (KAFAAT_FIELD_KEYS): identity "
            "numbers and other sensitive fields could not be read. Configure the keys the backup was made "
            "with (several keys: comma-separated), then restore again."
        )
    if manifest["keys"]["hash_key"] != configured["hash_key"]:
        raise BackupError(
            "KAFAAT_HASH_KEY is not the one this backup was made with: identity-number look-ups would find "
            "nothing. Configure the backup's hash key, then restore again."
        )
    if manifest["database"]["vendor"] != database.vendor(using):
        raise BackupError(
            f"This is a {manifest['database']['vendor']} backup; the configured database is "
            f"{database.vendor(using)} (DATABASE_URL)."
        )
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(applied - database.code_migrations())
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"This backup comes from a newer Kafaat (migrations unknown here: {listed}): upgrade first."
        )
    for name, facts in manifest["files"].items():
        path = Path(folder) / name
        if not path.exists() or sha256_of(path) != facts["sha256_encrypted"]:
            raise BackupError(f"{name} was altered or is missing (checksum mismatch): nothing restored.")
    if not force and database.holds_data(using):
        raise BackupError("The database is not empty (it has users, organisations or people): use --force.")


def restore_backup(folder: Path, key: bytes, *, force: bool = False, using: str = "default") -> dict:
    """Restore the backup in `folder` into the configured database and media folders; a summary."""
    folder = Path(folder)
    manifest = read_manifest(folder, key)
    check_restorable(folder, manifest, force=force, using=using)
    with _scratch() as scratch:
        plain: dict[str, Path] = {}
        for name, facts in manifest["files"].items():
            plain[name] = scratch / name.removesuffix(".kbk")
            if decrypt_file(folder / name, plain[name], key) != facts["sha256"]:
                raise BackupError(f"{name} does not match its checksum once decrypted: nothing restored.")
        extracted = scratch / "media"
        with tarfile.open(plain[MEDIA]) as archive:
            archive.extractall(extracted, filter="data")  # no absolute paths, links or devices
        for arcname, digest in manifest["media_files"].items():
            if sha256_of(extracted / arcname) != digest:
                raise BackupError(f"{arcname} does not match its checksum: nothing restored.")
        conflicts = [
            arcname
            for arcname in manifest["media_files"]
            if (target := _media_target(arcname)).exists()
            and sha256_of(target) != manifest["media_files"][arcname]
        ]
        if conflicts and not force:
            raise BackupError(
                f"{len(conflicts)} media files would be replaced (e.g. {conflicts[0]}): use --force."
            )
        database_file = plain[manifest["database"]["file"]]
        if manifest["database"]["vendor"] == "sqlite":
            database.restore_sqlite(using, database_file)
        else:
            database.restore_postgres(using, database_file)
        for arcname in manifest["media_files"]:
            target = _media_target(arcname)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(extracted / arcname, target)
    counts = database.table_counts(using)
    different = {
        table: (expected, counts.get(table))
        for table, expected in manifest["row_counts"].items()
        if counts.get(table) != expected
    }
    if different:
        raise BackupError(f"Restored, but row counts differ from the manifest: {different}")
    pending = sorted(
        database.code_migrations()
        - {(app, name) for app, names in manifest["migrations"].items() for name in names}
    )
    return {
        "manifest": manifest,
        "tables": len(counts),
        "rows": sum(counts.values()),
        "pending_migrations": pending,
    }


def _media_target(arcname: str) -> Path:
    prefix, _, relative = arcname.partition("/")
    root = settings.KAFAAT_OPEN_DATA_DIR if prefix == "open-data" else settings.MEDIA_ROOT
    return Path(root) / relative
