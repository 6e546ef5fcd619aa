"""The README's list of demo log-ins is the one the demo creates and prints."""

import re
from pathlib import Path

from kafaat.synth.demo import DEMO_LOGINS

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_lists_every_demo_login():
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- demo-logins -->")[1].split("\n\n")[0]  # the table, up to the blank line
    listed = re.findall(r"^\| `([a-z0-9.]+)` \|", section, flags=re.MULTILINE)
    assert listed == [login.username for login in DEMO_LOGINS]
