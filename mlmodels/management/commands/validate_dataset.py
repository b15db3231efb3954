"""Check a portfolio CSV against the dataset schema."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlmodels.services.datasets import dataset_report


class Command(BaseCommand):
    help = "Report every schema violation of a portfolio CSV; exits non-zero if there is any."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["file"], "rb") as file:
                report = dataset_report(content=file.read())
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from error
        if not report.is_valid:
            self.stderr.write(str(report))
            raise CommandError(f"{options['file']} is not a valid portfolio.")
        self.stdout.write(self.style.SUCCESS(f"{options['file']}: {report}"))
