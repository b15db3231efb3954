"""Give an API client a new key, its current ones valid for a grace period."""

import datetime
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing_site.exceptions import ApplicationError
from pricing_site.services import api_client_rotate

DURATION = re.compile(r"^(\d+)([dhm])$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def duration_parse(text: str) -> datetime.timedelta:
    """`7d`, `12h`, `30m` or `0` (no grace)."""
    if text == "0":
        return datetime.timedelta(0)
    match = DURATION.match(text)
    if match is None:
        raise CommandError(f"--grace {text!r}: write a number and d, h or m (7d, 12h, 30m), or 0.")
    return datetime.timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = (
        "Print a new key for the API client NAME; its current keys stay valid for the grace "
        "period (default 7d), so the client switches without an outage."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--grace", default="7d", help="7d, 12h, 30m, or 0 (default 7d).")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="How long the new key is valid (default PRICING_API_KEY_LIFETIME_DAYS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        grace = duration_parse(options["grace"])
        try:
            issued = api_client_rotate(
                name=options["name"],
                grace=grace,
                lifetime=datetime.timedelta(days=options["days"]) if options["days"] else None,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(issued.key)
        self.stderr.write(
            self.style.SUCCESS(
                f"New key {issued.api_key.prefix} for {options['name']!r} (shown this once); "
                f"its other keys stop at the end of the grace period ({options['grace']})."
            )
        )
