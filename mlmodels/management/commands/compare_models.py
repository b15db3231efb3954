"""Compare a candidate model version with production (or another version) on the same data."""

from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from mlmodels.schema import dataset_validate, portfolio_read, portfolio_typed
from mlmodels.selectors import dataset_frame_get, model_version_get, model_version_get_production
from mlmodels.services import model_versions_compare
from pricing_site.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Print a metrics table of two model versions on the same data and write an HTML report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("candidate", type=int, help="model version id")
        parser.add_argument("--against", default="production", help="'production' or a version id")
        parser.add_argument(
            "--data", type=Path, help="portfolio CSV (default: the candidate's dataset)"
        )
        parser.add_argument("--cv", type=int, default=5, help="cross-validation folds (0: none)")
        parser.add_argument(
            "--report", type=Path, help="HTML report path (default: compare_<a>_<b>.html)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            candidate = model_version_get(version_id=options["candidate"])
            if options["against"] == "production":
                reference = model_version_get_production(task=candidate.task)
            else:
                reference = model_version_get(version_id=int(options["against"]))
            frame = (
                self.frame(options["data"])
                if options["data"]
                else dataset_frame_get(dataset=candidate.dataset)
            )
            comparison = model_versions_compare(
                versions=[candidate, reference], frame=frame, cv=options["cv"]
            )
        except (ApplicationError, ValueError) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
        self.stdout.write(comparison.table())
        report = options["report"] or Path(f"compare_{candidate.pk}_{reference.pk}.html")
        report.write_text(
            render_to_string("mlmodels/comparison_report.html", {"comparison": comparison})
        )
        self.stdout.write(self.style.SUCCESS(f"Report written to {report}."))

    def frame(self, path: Path) -> pd.DataFrame:
        frame = portfolio_read(path)
        report = dataset_validate(frame)
        if not report.is_valid:
            raise CommandError(str(report))
        return portfolio_typed(frame)
