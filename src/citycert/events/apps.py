from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Webinars, sprints and office hours: registration, waiting lists, reminders, calendars."""

    name = "citycert.events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Who created, changed or cancelled an event, and who registered, is in the audit trail.
        auditlog.register(models.Event)
        auditlog.register(models.Registration)
