"""Admin of the tariff: its versions, quotes, impact analyses, zoning proposals, backtests and
change log,
and what it adds to the rules' and the models' admin (simulate, approve, zones)."""

from tariffs.admin import changes, impact, model_versions, quotes, rules, versions, zoning

__all__ = ["changes", "impact", "model_versions", "quotes", "rules", "versions", "zoning"]
