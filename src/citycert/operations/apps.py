from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the service: health checks, metrics, request ids in logs, worker heartbeats."""

    name = "citycert.operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django.tasks import signals

        from . import logs

        signals.task_enqueued.connect(logs.remember_request, dispatch_uid="operations-enqueued")
        # Bound before Django logs the task's start, so that line carries the ids too.
        signals.task_started.disconnect(signals.log_task_started)
        signals.task_started.connect(logs.task_started, dispatch_uid="operations-started")
        signals.task_started.connect(signals.log_task_started)
        signals.task_finished.connect(logs.task_finished, dispatch_uid="operations-finished")
