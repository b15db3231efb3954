"""App config of the zipcode risk table app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZipcodesConfig(AppConfig):
    name = "zipcodes"
    verbose_name = _("Zipcode risk classes")

    def ready(self) -> None:
        from zipcodes import receivers  # noqa: F401 - connects the cache-clearing receivers
