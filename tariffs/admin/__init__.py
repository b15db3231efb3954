"""Admin of the tariff: its versions, quotes, pricing batches, impact analyses, zoning proposals,
backtests and change log, and what it adds to the rules' and the models' admin (simulate,
approve, zones)."""

from tariffs.admin import (
    batches,
    changes,
    impact,
    model_versions,
    quotes,
    rules,
    versions,
    zoning,
)

__all__ = [
    "batches",
    "changes",
    "impact",
    "model_versions",
    "quotes",
    "rules",
    "versions",
    "zoning",
]
