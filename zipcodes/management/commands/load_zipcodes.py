"""Load the zipcode risk table from a CSV file (legacy lines or headered)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from pricing_site.exceptions import ApplicationError
from zipcodes.services import zipcode_file_lines, zipcode_load_csv


class Command(BaseCommand):
    help = "Validate a zipcode CSV as a whole and upsert it; a single bad line writes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV: '9000,B' / '9170-9240,A' lines, or headered.")
        parser.add_argument("--dry-run", action="store_true", help="Count changes, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["file"], "rb") as file:
                lines = zipcode_file_lines(file.read())
            progress = tqdm(lines, desc="Reading", unit=" lines", disable=not sys.stderr.isatty())
            report = zipcode_load_csv(lines=progress, dry_run=options["dry_run"])
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from error
        except ApplicationError as error:
            for bad in error.extra.get("errors", []):
                self.stderr.write(f"line {bad['line']}: {bad['message']}")
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(str(report)))
