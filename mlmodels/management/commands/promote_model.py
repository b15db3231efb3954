"""Put a model version in production."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlmodels.selectors import model_version_get
from mlmodels.services import model_version_promote
from pricing_site.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Promote a model version to production; the previous production version is retired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = model_version_promote(
                version=model_version_get(version_id=options["version"])
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(f"Model version {version.pk} ({version.task}) is now in production.")
        )
