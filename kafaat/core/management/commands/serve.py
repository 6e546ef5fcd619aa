"""`python -m kafaat serve`: the production web server (gunicorn) with Kafaat's timeouts and logs."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kafaat.core.serving import ServeOptions, default_workers, serve


class Command(BaseCommand):
    help = "Serve Kafaat with gunicorn (production WSGI server; static files through WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help=f"worker processes (default: KAFAAT_WEB_WORKERS or 2 × CPUs + 1, here {default_workers()})",
        )

    def handle(
        self, *args: object, addr: str = "127.0.0.1:8000", workers: int = 0, **options: object
    ) -> None:
        addr = addr or "127.0.0.1:8000"
        if workers < 0:
            raise CommandError("--workers must be positive")
        host, _, port = addr.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(f"--addr must be HOST:PORT, not {addr!r}")
        serve(ServeOptions(addr=addr, workers=workers))
