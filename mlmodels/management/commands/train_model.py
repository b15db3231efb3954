"""Train a claim model on a portfolio and store it as a model version."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlmodels.management.portfolio_files import operator_errors, portfolio_bytes
from mlmodels.models import Estimator, ModelVersion, Task
from mlmodels.selectors import dataset_frame_get, model_version_get_production
from mlmodels.services import (
    dataset_create,
    model_version_promote,
    model_version_train,
    model_versions_compare,
)
from pricing_site.exceptions import ApplicationError
from pricing_site.selectors import staff_user_get


class Command(BaseCommand):
    help = "Validate a portfolio, train and evaluate a model on it, and store the model version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", required=True, type=Path, help="portfolio CSV")
        parser.add_argument("--task", required=True, choices=Task.values)
        parser.add_argument("--estimator", required=True, choices=Estimator.values)
        parser.add_argument("--cv", type=int, default=5, help="cross-validation folds (0: none)")
        parser.add_argument(
            "--location",
            action="store_true",
            help="use the postcode as a feature (analysis only: the quote refuses such a model)",
        )
        parser.add_argument(
            "--trained-by", metavar="USER", help="the staff member who trains it (its author)"
        )
        parser.add_argument(
            "--promote-if-better",
            action="store_true",
            help="promote if it beats production on the same test split, or none is in production",
        )
        parser.add_argument(
            "--approved-by",
            metavar="USER",
            help="with --promote-if-better: the staff member who promotes it (four eyes)",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="with --promote-if-better: why, beside the comparison the command writes itself",
        )

    def progress(self, percent: int, step: str) -> None:
        self.stdout.write(f"[{percent:3d}%] {step}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["promote_if_better"] and not options["approved_by"]:
            raise CommandError("--promote-if-better needs --approved-by USER: who promotes it.")
        content = portfolio_bytes(options["data"])
        with operator_errors(self.stderr):
            trained_by = options["trained_by"] and staff_user_get(username=options["trained_by"])
            approver = options["approved_by"] and staff_user_get(username=options["approved_by"])
            dataset, _ = dataset_create(content=content, name=options["data"].name)
            version = model_version_train(
                dataset=dataset,
                task=options["task"],
                estimator=options["estimator"],
                cv=options["cv"],
                location=options["location"],
                trained_by=trained_by or None,
                progress=self.progress,
            )
        metrics = version.metrics
        cv = (
            f", CV {metrics['cv_mean']:.5f} ± {metrics['cv_std']:.5f}"
            if metrics["cv_mean"] is not None
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Model version {version.pk}: {metrics['metric']} {metrics['test']:.5f} "
                f"on the test split{cv}; "
                f"trained in {version.training_seconds:.1f} s."
            )
        )
        if options["promote_if_better"]:
            with operator_errors(self.stderr):
                self.promote_if_better(version, approver=approver, reason=options["reason"])

    def promote_if_better(self, version: ModelVersion, *, approver: Any, reason: str) -> None:
        try:
            production = model_version_get_production(task=version.task)
        except ApplicationError:
            production = None
        if production is not None:
            comparison = model_versions_compare(
                versions=[version, production], frame=dataset_frame_get(dataset=version.dataset)
            )
            candidate, current = comparison.evaluations
            self.stdout.write(comparison.table())
            if candidate.test >= current.test:
                self.stdout.write(
                    f"Not promoted: model {production.pk} in production is as good or better."
                )
                return
            compared = (
                f"{comparison.metric} {candidate.test:.5f} on the test split against "
                f"{current.test:.5f} of version {production.pk} in production"
            )
        else:
            compared = "no version of this task in production"
        # The comparison is the evidence the change log keeps, with the operator's own words.
        written = f"train_model --promote-if-better: {compared}." + (f" {reason}" if reason else "")
        model_version_promote(version=version, promoted_by=approver, reason=written)
        self.stdout.write(self.style.SUCCESS(f"Model version {version.pk} is now in production."))
