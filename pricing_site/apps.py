"""App config of the project package (commands, receivers; no models)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingSiteConfig(AppConfig):
    name = "pricing_site"
    verbose_name = _("Pricing site")

    def ready(self) -> None:
        from pricing_site import receivers  # noqa: F401
