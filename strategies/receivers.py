"""Clear cached rules, brands and tariffs after any change, including admin edits."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from strategies.caching import (
    brands_cache_clear,
    fuel_mappings_cache_clear,
    rules_cache_clear,
    tariffs_cache_clear,
)
from strategies.models import Brand, BrandAlias, FuelMapping, PricingRule, TariffVersion


@receiver([post_save, post_delete], sender=PricingRule)
def rule_changed(sender: type, **kwargs: Any) -> None:
    transaction.on_commit(rules_cache_clear)


@receiver([post_save, post_delete], sender=Brand)
@receiver([post_save, post_delete], sender=BrandAlias)
def brand_changed(sender: type, **kwargs: Any) -> None:
    transaction.on_commit(brands_cache_clear)
    transaction.on_commit(rules_cache_clear)  # Rules carry their brand's name.


@receiver([post_save, post_delete], sender=TariffVersion)
def tariff_changed(sender: type, **kwargs: Any) -> None:
    transaction.on_commit(tariffs_cache_clear)


@receiver([post_save, post_delete], sender=FuelMapping)
def fuel_mapping_changed(sender: type, **kwargs: Any) -> None:
    transaction.on_commit(fuel_mappings_cache_clear)
