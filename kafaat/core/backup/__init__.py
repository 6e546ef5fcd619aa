"""Encrypted, consistent backups of a Kafaat installation and their restore (docs/operations.md)."""

from kafaat.core.backup.service import create_backup, read_manifest, restore_backup
from kafaat.core.backup.streams import BackupError, read_key

__all__ = ["BackupError", "create_backup", "read_key", "read_manifest", "restore_backup"]
