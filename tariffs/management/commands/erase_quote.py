"""Erase the personal data of a quote, or of every quote an API client sent with one
Idempotency-Key (a data subject's request)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing_site.exceptions import ApplicationError
from pricing_site.selectors import staff_user_get
from tariffs.services.privacy import quotes_erase, quotes_to_erase


class Command(BaseCommand):
    help = (
        "Erase the personal data of quote ID, or of every quote --client sent with "
        "--idempotency-key: its inputs are generalised (province, bands) as after the retention "
        "period; the premium stays for statistics. Recorded with --by and --reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("quote", nargs="?", type=int, help="the quote's number")
        parser.add_argument("--idempotency-key", default="", help="the key the client sent")
        parser.add_argument("--client", default="", help="the API client that sent it")
        parser.add_argument("--by", required=True, metavar="USER", help="the staff member")
        parser.add_argument("--reason", default="", help="e.g. the request's reference")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            quotes = quotes_to_erase(
                quote_id=options["quote"],
                idempotency_key=options["idempotency_key"],
                client=options["client"],
            )
            action = quotes_erase(
                quotes=quotes,
                erased_by=staff_user_get(username=options["by"]),
                reason=options["reason"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Personal data erased from {action.quotes} quote(s): "
                f"{', '.join(map(str, action.detail['quotes']))}."
            )
        )
