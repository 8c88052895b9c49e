from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for the whole program (DEBUG only): it seeds every part, so it sits on top."""

    name = "citycert.demo"
    verbose_name = _("Demo data")
