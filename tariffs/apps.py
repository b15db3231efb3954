"""App config of the tariff, the top layer that composes the other apps into a premium."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TariffsConfig(AppConfig):
    name = "tariffs"
    verbose_name = _("Tariff")

    def ready(self) -> None:
        from mlmodels.models import Task
        from mlmodels.offsets import OffsetSource, offset_source_register
        from tariffs import receivers  # noqa: F401 - connects the change log to the domain apps
        from tariffs.selectors import zone_offset_get, zoning_version_get_current

        # The tariff prices model × zone factor: its frequency model learns around the zones.
        offset_source_register(
            task=Task.CLAIM_FREQUENCY,
            source=OffsetSource(offset=zone_offset_get, version=zoning_version_get_current),
        )
