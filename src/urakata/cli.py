"""The `urakata` console script: Django's manage.py plus demo/serve/worker/check/audit."""

from __future__ import annotations

import os
import sys

# `urakata check` is our configuration report (which also runs Django's system checks).
ALIASES = {"check": "urakata_check"}


def main(argv: list[str] | None = None) -> None:
    """Run a management command; see `urakata help` for the list."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
    args = list(sys.argv if argv is None else ["urakata", *argv])
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
