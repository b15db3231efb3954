"""App config of the commercial strategies and quotes app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategiesConfig(AppConfig):
    name = "strategies"
    verbose_name = _("Pricing strategies and quotes")
