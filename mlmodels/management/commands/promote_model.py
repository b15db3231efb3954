"""Put a model version in production, approved by a named staff member (four eyes)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlmodels.selectors import model_version_get
from mlmodels.services import model_version_promote
from pricing_site.exceptions import ApplicationError
from pricing_site.selectors import staff_user_get


class Command(BaseCommand):
    help = "Promote a model version to production; the previous production version is retired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", type=int)
        parser.add_argument(
            "--approved-by",
            required=True,
            metavar="USER",
            help="the staff member who promotes it (not the one who trained it)",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="why it is promoted without an impact analysis of it on the current portfolio",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = model_version_promote(
                version=model_version_get(version_id=options["version"]),
                promoted_by=staff_user_get(username=options["approved_by"]),
                reason=options["reason"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(f"Model version {version.pk} ({version.task}) is now in production.")
        )
