"""Fetch the Belgian health index from Statbel, or load its full-history file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indices.services import health_index_load_history, health_index_refresh
from pricing_site.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Store Statbel's latest health index values (or a history file); prints what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history",
            type=Path,
            help="Statbel's 'CPI All base years' file (TXT or XLSX) instead of the online view.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["history"]:
                report = health_index_load_history(path=options["history"])
            else:
                report = health_index_refresh()
        except OSError as error:
            raise CommandError(f"Cannot read {options['history']}: {error.strerror}.") from error
        except ApplicationError as error:
            raise CommandError(f"{error.message} Nothing was changed.") from error
        self.stdout.write(self.style.SUCCESS(str(report)))
