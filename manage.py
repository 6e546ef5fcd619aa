#!/usr/bin/env python
"""Django's command-line utility; `python -m kafaat` is the friendlier entry point."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
