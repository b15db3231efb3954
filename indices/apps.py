"""App config of the health-index app."""

from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "indices"
    verbose_name = "Health index"
