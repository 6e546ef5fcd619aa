"""`python -m kafaat restore DIR`: restore a backup into an empty database (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kafaat.core.backup import BackupError, read_key, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `backup`, after checking its key, checksums, field keys and migrations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="the backup folder")
        parser.add_argument("--key-file", help="file holding the backup key (default: KAFAAT_BACKUP_KEY)")
        parser.add_argument(
            "--force", action="store_true", help="restore into a database that holds data (it is replaced)"
        )

    def handle(
        self, *args: object, folder: str, key_file: str | None = None, force: bool = False, **options: object
    ) -> None:
        try:
            summary = restore_backup(Path(folder), read_key(key_file), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = summary["manifest"]
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (Kafaat {manifest['kafaat_version']}): "
            f"{summary['tables']} tables, {summary['rows']:,} rows, every count as in the manifest; "
            f"{len(manifest['media_files'])} media files."
        )
        if summary["pending_migrations"]:
            self.stdout.write("This code has newer migrations: run `python -m kafaat migrate` now.")
        self.stdout.write("Then rebuild the warehouse: `python -m kafaat refresh-warehouse`.")
