"""App config of the commercial strategies and quotes app."""

from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    name = "strategies"
    verbose_name = "Pricing strategies and quotes"
