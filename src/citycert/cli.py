"""The `citycert` command: Django's manage.py under the project's own name.

A setting that is missing or cannot be read stops the command with one sentence on standard
error and status 2, not a traceback (`--traceback` shows it anyway).
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycert.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    try:
        # Read the settings first: Django would otherwise carry on without them and fail later,
        # with a traceback or an "Unknown command".
        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        if "--traceback" in sys.argv:
            raise
        print(f"citycert: {one_line(exc)}", file=sys.stderr)
        sys.exit(2)


def one_line(exc: BaseException) -> str:
    """The error's message on one line."""
    return " ".join(str(exc).split())


if __name__ == "__main__":
    main()
