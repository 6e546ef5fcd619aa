"""The systemd units in deploy/: the nightly match-key frequencies run the command the docs name, with
arguments the command accepts, on the schedule the timer says."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from django.core.management import load_command_class

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def test_the_timer_starts_the_match_key_service_nightly_and_catches_up():
    timer = unit("kafaat-match-keys.timer")
    assert timer["Timer"]["Unit"] == "kafaat-match-keys.service"
    assert timer["Timer"]["OnCalendar"].startswith("*-*-* ")  # every day
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_service_runs_match_keys_frequencies_once_with_the_production_environment():
    service = unit("kafaat-match-keys.service")["Service"]
    assert service["Type"] == "oneshot"  # never two runs at once
    assert service["EnvironmentFile"] == unit("kafaat-worker.service")["Service"]["EnvironmentFile"]
    python, *arguments = shlex.split(service["ExecStart"])
    assert python == unit("kafaat-worker.service")["Service"]["ExecStart"].split()[0]
    assert arguments[:3] == ["-m", "kafaat", "match-keys"]
    command = load_command_class("kafaat.registry", "match_keys")
    options = command.create_parser("kafaat", "match-keys").parse_args(arguments[3:])
    assert options.frequencies and not options.background


def test_operations_documents_the_timer():
    operations = (DEPLOY.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "deploy/kafaat-match-keys.timer" in operations
