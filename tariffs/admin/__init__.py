"""Admin of the tariff: its versions, quotes, impact analyses, zoning proposals and backtests,
and what it adds to the rules' and the models' admin (simulate, approve, zones)."""

from tariffs.admin import impact, model_versions, quotes, rules, versions, zoning

__all__ = ["impact", "model_versions", "quotes", "rules", "versions", "zoning"]
