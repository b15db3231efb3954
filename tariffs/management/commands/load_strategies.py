"""Load brands, pricing rules, fuel mappings and tariff versions from a JSON file (the demo's,
or a backup)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing_site.exceptions import ApplicationError
from tariffs.services import tariff_tables_load


class Command(BaseCommand):
    help = (
        "Add the brands, rules, fuel mappings and tariff versions of a JSON file that are not "
        "there yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="JSON with 'brands', 'rules', 'fuel_mappings' and 'tariff_versions'."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["file"], encoding="utf-8") as file:
                tables = json.load(file)
            report = tariff_tables_load(tables=tables)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{options['file']} is not UTF-8 JSON: {error}.") from error
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {report.brands} brands, {report.aliases} aliases, {report.rules} rules, "
                f"{report.fuel_mappings} fuel mappings and {report.tariff_versions} tariff "
                "versions."
            )
        )
