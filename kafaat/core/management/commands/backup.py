"""`python -m kafaat backup --out DIR`: an encrypted, consistent backup (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kafaat.core.backup import BackupError, create_backup, read_key


class Command(BaseCommand):
    help = "Back up the database and the media (uploads, open data) into DIR, encrypted with the backup key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="a new folder for this backup")
        parser.add_argument("--key-file", help="file holding the backup key (default: KAFAAT_BACKUP_KEY)")

    def handle(self, *args: object, out: str, key_file: str | None = None, **options: object) -> None:
        try:
            manifest = create_backup(Path(out), read_key(key_file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["row_counts"].values())
        size = sum(facts["bytes"] for facts in manifest["files"].values())
        vendor, tables, media = (
            manifest["database"]["vendor"],
            len(manifest["row_counts"]),
            manifest["media_files"],
        )
        self.stdout.write(
            f"Backup written to {out}: {vendor} database, {tables} tables, {rows:,} rows, {len(media)} media "
            f"files, {size / 1e6:.1f} MB before encryption."
        )
