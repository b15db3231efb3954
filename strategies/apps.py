"""App config of the pricing rules and quotes app."""

from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    name = "strategies"
    verbose_name = "Pricing strategies and quotes"
