"""Simplify the map geometry once, from the shared TopoJSON into kafaat/observatory/data/geometry."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kafaat.observatory.maps import geometry


class Command(BaseCommand):
    help = "Simplify the regions and provinces TopoJSON for the observatory's maps (a build step)."

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, type=Path,
                            help="folder holding regions.topojson and provinces.topojson")  # fmt: skip

    def handle(self, *args, source: Path, **options):
        if not (source / "regions.topojson").exists():
            raise CommandError(f"{source} holds no regions.topojson")
        try:
            sizes = geometry.build(source)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for level, (before, after) in sizes.items():
            self.stdout.write(f"{level}: {before:,} -> {after:,} bytes")
