"""App config of the claim-model registry app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MlmodelsConfig(AppConfig):
    name = "mlmodels"
    verbose_name = _("Claim models")

    def ready(self) -> None:
        from mlmodels.serving import model_load_degradations
        from pricing_site.readiness import degradation_check_register

        degradation_check_register(name="models", check=model_load_degradations)
