"""App config of the claim-model registry app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MlmodelsConfig(AppConfig):
    name = "mlmodels"
    verbose_name = _("Claim models")
