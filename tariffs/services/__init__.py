"""Writes of the tariff: quotes, pricing batches, portfolio pricing, impact analyses, versions,
zoning proposals, backtests; import from here."""

from tariffs.services.batches import (
    csv_policies_count,
    json_policies_content,
    pricing_batch_create,
)
from tariffs.services.evaluation import tariff_evaluation_create
from tariffs.services.impact import (
    MODEL_SCENARIO_KEYS,
    Scenario,
    impact_analysis_create,
    model_version_scenario,
)
from tariffs.services.portfolio import (
    PortfolioPrices,
    PricingTables,
    portfolio_price,
    pricing_tables_current,
)
from tariffs.services.quotes import (
    PremiumFactors,
    QuoteRequest,
    RiskPremium,
    premium_compute,
    premium_factors,
    premium_quote,
    quote_create,
    quote_frequency_explain,
    quote_price,
    quote_reprice,
    quote_reprice_compare,
)
from tariffs.services.risk import CENT, cents
from tariffs.services.rollback import ROLLBACK_PERMISSIONS, Rollback, tariff_change_rollback
from tariffs.services.versions import (
    TariffTablesLoadReport,
    tariff_tables_load,
    tariff_version_approve,
    tariff_version_create,
)
from tariffs.services.zoning import (
    zoning_proposal_approve,
    zoning_proposal_compute,
    zoning_proposal_create,
)

__all__ = [
    "CENT",
    "MODEL_SCENARIO_KEYS",
    "ROLLBACK_PERMISSIONS",
    "PortfolioPrices",
    "PremiumFactors",
    "PricingTables",
    "QuoteRequest",
    "RiskPremium",
    "Rollback",
    "Scenario",
    "TariffTablesLoadReport",
    "cents",
    "csv_policies_count",
    "impact_analysis_create",
    "json_policies_content",
    "model_version_scenario",
    "portfolio_price",
    "premium_compute",
    "premium_factors",
    "premium_quote",
    "pricing_batch_create",
    "pricing_tables_current",
    "quote_create",
    "quote_frequency_explain",
    "quote_price",
    "quote_reprice",
    "quote_reprice_compare",
    "tariff_change_rollback",
    "tariff_evaluation_create",
    "tariff_tables_load",
    "tariff_version_approve",
    "tariff_version_create",
    "zoning_proposal_approve",
    "zoning_proposal_compute",
    "zoning_proposal_create",
]
