"""Clear cached zipcode lookups when staff edit or delete a row in the admin."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from zipcodes.caching import risk_classes_cache_clear, zipcode_cache_clear
from zipcodes.models import RiskClass, Zipcode


@receiver([post_save, post_delete], sender=Zipcode)
def zipcode_changed(sender: type, instance: Zipcode, **kwargs: Any) -> None:
    code = instance.code
    # After commit, so no request can cache the old row again in between.
    transaction.on_commit(lambda: zipcode_cache_clear(codes=[code]))


@receiver([post_save, post_delete], sender=RiskClass)
def risk_class_changed(sender: type, instance: RiskClass, **kwargs: Any) -> None:
    transaction.on_commit(risk_classes_cache_clear)
