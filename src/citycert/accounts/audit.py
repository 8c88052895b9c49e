"""Reads worth a line in the audit trail: downloads of evidence, appeal files, report PDFs and
assessment spreadsheets. Each is a LogEntry with the action "access", whoever asked (the person
signed in, or the owner of the API token) and from where, as for changes."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

#: What was read, as the audit trail names it.
READS = {
    "evidence": _("Evidence file downloaded"),
    "appeal_file": _("Appeal file downloaded"),
    "report_pdf": _("Report PDF downloaded"),
    "spreadsheet": _("Assessment spreadsheet exported"),
}


def record_read(obj: Model, what: str, **details: Any) -> None:
    """Record that `obj` was read (downloaded or exported) as `what`, one of READS."""
    if what not in READS:
        raise ValueError(f"unknown kind of read {what!r}")
    get_data = getattr(obj, "get_additional_data", None)
    data = {**(get_data() if callable(get_data) else {}), **details, "read": what}
    LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, additional_data=data
    )
