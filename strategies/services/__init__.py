"""Writes of the strategies app: brands and their aliases, pricing rules, fuel mappings."""

from strategies.services.tables import (
    RULE_TERMS,
    TABLES_FILE_REASON,
    StrategiesLoadReport,
    brand_alias_delete,
    brand_alias_save,
    brand_delete,
    brand_save,
    fuel_mapping_delete,
    fuel_mapping_save,
    pricing_rule_approve,
    pricing_rule_delete,
    pricing_rule_end_approve,
    pricing_rule_end_propose,
    pricing_rule_save,
    strategies_load,
)

__all__ = [
    "RULE_TERMS",
    "TABLES_FILE_REASON",
    "StrategiesLoadReport",
    "brand_alias_delete",
    "brand_alias_save",
    "brand_delete",
    "brand_save",
    "fuel_mapping_delete",
    "fuel_mapping_save",
    "pricing_rule_approve",
    "pricing_rule_delete",
    "pricing_rule_end_approve",
    "pricing_rule_end_propose",
    "pricing_rule_save",
    "strategies_load",
]
