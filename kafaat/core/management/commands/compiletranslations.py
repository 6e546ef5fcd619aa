"""Compile the .po catalogues to .mo with polib, so no system gettext is needed on a fresh machine."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogue_dirs() -> list[Path]:
    """The project catalogue (LOCALE_PATHS) and each Kafaat app's own `locale/` folder (Django reads both)."""
    dirs = [Path(path) for path in settings.LOCALE_PATHS]
    for app in apps.get_app_configs():
        if app.name.startswith("kafaat.") and (Path(app.path) / "locale").is_dir():
            dirs.append(Path(app.path) / "locale")
    return dirs


class Command(BaseCommand):
    help = "Compile the translation catalogues (fr, ar, en) to binary .mo files."
    requires_system_checks = []

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in catalogue_dirs():
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                try:
                    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                except (OSError, ValueError) as error:
                    raise CommandError(f"{po_path}: {error}") from error
                compiled += 1
        if options["verbosity"]:
            self.stdout.write(f"{compiled} catalogue(s) compiled.")
