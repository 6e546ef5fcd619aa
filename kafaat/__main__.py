"""`python -m kafaat <command>`: Kafaat's own commands (demo, generate, …) and, behind them, Django's."""

from __future__ import annotations

import os
import sys


def _kafaat_commands() -> dict[str, str]:
    """Command name → one-line help, for the commands that Kafaat's own apps define."""
    from django.core.management import get_commands, load_command_class

    commands = {}
    for name, app in sorted(get_commands().items()):
        if app.startswith("kafaat"):
            help_text = load_command_class(app, name).help.strip().splitlines()[0]
            commands[name] = help_text
    return commands


def _print_help() -> None:
    print("usage: python -m kafaat <command> [options]\n")
    print("Kafaat commands:")
    for name, help_text in _kafaat_commands().items():
        print(f"  {name.replace('_', '-'):<22} {help_text}")
    print("\n`python -m kafaat <command> --help` describes a command's options.")
    print("Django's own commands (migrate, createsuperuser, check, shell, …) work too.")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    if not argv or argv[0] in {"-h", "--help", "help"}:
        _print_help()
        return
    from django.core.management import execute_from_command_line

    # Commands are spelled with dashes (import-template); Django's command modules use underscores.
    if "-" in argv[0] and argv[0].replace("-", "_") in _kafaat_commands():
        argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["python -m kafaat", *argv])


if __name__ == "__main__":
    main()
