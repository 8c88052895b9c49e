from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The network of city leaders between certifications: the members' directory, the weekly
    digest, and umbrella bodies' portfolios of consenting cities."""

    name = "citycert.network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, sections

        # Who listed themselves, and every step of a city's consent, is in the audit trail.
        for model in (models.MemberProfile, models.PortfolioCity):
            auditlog.register(model)
        auditlog.register(models.Portfolio, m2m_fields={"owners"})
        sections.register_own()
        # The city's home tells its team which portfolios ask for or hold the city.
        from citycert.accounts import home

        home.register("network.portfolios", sections.city_home)
