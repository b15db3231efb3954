"""App config of the commercial strategies and quotes app."""

from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    name = "strategies"
    verbose_name = "Pricing strategies and quotes"

    def ready(self) -> None:
        from strategies import receivers  # noqa: F401 - connects the cache-clearing receivers
