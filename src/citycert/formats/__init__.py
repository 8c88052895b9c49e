"""Date formats, one per language, used everywhere (FORMAT_MODULE_PATH): a date reads the same way
on every page, email and PDF ("29 November 2026", "29 de noviembre de 2026"), and a time carries
the name of its zone ("29 November 2026, 14:05 ART"). Only what differs from Django's own
formats for the language is set here."""
