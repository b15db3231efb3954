"""Backtest the whole tariff (production models × today's zones) on a portfolio's holdout."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mlmodels.management.portfolio_files import operator_errors, portfolio_bytes
from mlmodels.models import Task
from mlmodels.selectors import dataset_frame_get, model_version_get_production
from mlmodels.services import dataset_create
from mlmodels.services.evaluation import rating_factors_html
from tariffs.services.evaluation import (
    HEADLINES,
    tariff_evaluate,
    tariff_report_html,
    warning_text,
)


class Command(BaseCommand):
    help = "Score the premium's risk part as the quote computes it on a portfolio's holdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", required=True, type=Path, help="portfolio CSV")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--report", type=Path, help="also write an HTML report here")

    def handle(self, *args: Any, **options: Any) -> None:
        content = portfolio_bytes(options["data"])
        with operator_errors(self.stderr):
            dataset, _ = dataset_create(content=content, name=options["data"].name)
            result = tariff_evaluate(frame=dataset_frame_get(dataset=dataset))
        if options["report"]:
            # The production models' rating factors: how the price moves with each variable.
            factors = "".join(
                rating_factors_html(version=model_version_get_production(task=task))
                for task in (Task.CLAIM_FREQUENCY, Task.CLAIM_SEVERITY)
            )
            options["report"].write_text(
                tariff_report_html(result, appendix=factors), encoding="utf-8"
            )
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for warning in result["warnings"]:
            self.stderr.write(self.style.WARNING(warning_text(warning)))
        for key, (label, _decimals) in HEADLINES.items():
            self.stdout.write(f"{label}: {result[key]}")
        for section in ("by_zone", "by_decile", "by_fuel", "by_coverage"):
            self.stdout.write(f"{section.replace('_', ' ')}:")
            for name, row in result[section].items():
                self.stdout.write(
                    f"  {name:>6}  claims {row['claims_ratio']}  cost {row['cost_ratio']}  "
                    f"(exposure {row['exposure']}, {row['claims']} claims)"
                )
        for row in result.get("double_lift", []):
            self.stdout.write(
                f"  double lift decile {row['decile']:>2}: observed {row['observed']}, "
                f"current {row['current']}, previous {row['previous']}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Tariff on {result['rows']} holdout policies: deviance "
                f"{result['frequency_deviance']}, claims ratio {result['claims_ratio']}, "
                f"Gini {result['gini']} ± {result['gini_standard_error']}."
            )
        )
