from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "citycert.cities"
    verbose_name = _("Cities")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import City

        auditlog.register(City)
