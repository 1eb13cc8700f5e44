#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cper.settings")
    if not os.environ.get("SECRET_KEY") and "DEBUG" not in os.environ:
        # No secret key: a developer's machine, never a production instance (which must set
        # SECRET_KEY). Commands then run on the embedded default, as `make run` does.
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
