"""python -m kafaat publish --region CODE --year YYYY --out DIR: an open-data package, validated, recorded."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kafaat.observatory import publication


class Command(BaseCommand):
    help = (
        "Publish a region's (or, with MA, the country's) gap figures for a year as an open-data package "
        "(Frictionless Data Package + XLSX, small counts suppressed), written to DIR and recorded as a new "
        "immutable version."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code (e.g. MA-02), or MA for the country")
        parser.add_argument("--year", required=True, type=int, help="the year of the figures (YYYY)")
        parser.add_argument("--out", required=True, help="folder to write the package's files to")

    def handle(self, *args, region: str, year: int, out: str, **options):
        try:
            package = publication.publish(
                None,
                region,
                year,
                out=Path(out),
                progress=lambda done, total, stage: self.stderr.write(stage),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        files = package.files.all()
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {package.scope_code} {package.year} v{package.version}: "
                f"{len(files)} files in {out} "
                f"(valid data package; {package.summary.get('suppressed', 0)} suppressed values)"
            )
        )
        for item in files:
            self.stdout.write(f"  {item.name:<40} {item.size:>10,} bytes  sha256 {item.sha256}")
        self.stdout.write(f"Public page: /open-data/{package.scope_code}/{package.year}/v{package.version}/")
