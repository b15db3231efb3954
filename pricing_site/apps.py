"""App config of the project package (commands, receivers; no models)."""

from django.apps import AppConfig


class PricingSiteConfig(AppConfig):
    name = "pricing_site"
    verbose_name = "Pricing site"

    def ready(self) -> None:
        from pricing_site import receivers  # noqa: F401
