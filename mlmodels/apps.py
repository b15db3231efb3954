"""App config of the claim-model registry app."""

from django.apps import AppConfig


class MlmodelsConfig(AppConfig):
    name = "mlmodels"
    verbose_name = "Claim models"
