"""Create an API client and print its key (shown this once: only its hash is stored)."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing_site.exceptions import ApplicationError
from pricing_site.services import DEFAULT_API_CLIENT_PERMISSIONS, api_client_create


class Command(BaseCommand):
    help = (
        "Create an API client NAME and print its key (shown once). Without --permission or "
        "--group it gets the default role: read, quote and predict (--read-only: read and "
        "predict only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--permission",
            action="append",
            default=[],
            help="A permission to grant, as app_label.codename (repeatable).",
        )
        parser.add_argument(
            "--group", action="append", default=[], help="A group to join (repeatable)."
        )
        parser.add_argument(
            "--read-only", action="store_true", help="No write permission, not even quoting."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="How long the key is valid (default PRICING_API_KEY_LIFETIME_DAYS, a year).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        permissions = options["permission"]
        if not (permissions or options["group"] or options["read_only"]):
            permissions = list(DEFAULT_API_CLIENT_PERMISSIONS)
        try:
            issued = api_client_create(
                name=options["name"],
                permissions=permissions,
                groups=options["group"],
                lifetime=datetime.timedelta(days=options["days"]) if options["days"] else None,
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(issued.key)
        self.stderr.write(
            self.style.SUCCESS(
                f"Created API client {options['name']!r}: key {issued.api_key.prefix}, valid "
                f"until {issued.api_key.expiry_date:%Y-%m-%d}. It is shown this once."
            )
        )
