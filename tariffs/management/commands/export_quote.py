"""Print what is held about the person behind a quote, as JSON (an access request)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing_site.exceptions import ApplicationError
from pricing_site.selectors import staff_user_get
from tariffs.selectors import quote_get
from tariffs.services.privacy import quote_personal_data


class Command(BaseCommand):
    help = "Print the personal data quote ID holds, as JSON (recorded with --by)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("quote", type=int)
        parser.add_argument("--by", required=True, metavar="USER", help="the staff member")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = quote_personal_data(
                quote=quote_get(quote_id=options["quote"]),
                exported_by=staff_user_get(username=options["by"]),
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
