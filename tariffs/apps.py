"""App config of the tariff, the top layer that composes the other apps into a premium."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TariffsConfig(AppConfig):
    name = "tariffs"
    verbose_name = _("Tariff")

    def ready(self) -> None:
        from mlmodels.models import Task
        from mlmodels.offsets import offset_provider_register
        from tariffs.selectors import zone_offset_get

        # The tariff prices model × zone factor: its frequency model learns around the zones.
        offset_provider_register(task=Task.CLAIM_FREQUENCY, provider=zone_offset_get)
