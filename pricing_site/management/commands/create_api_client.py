"""Create an API client and print its token."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing_site.exceptions import ApplicationError
from pricing_site.services import DEFAULT_API_CLIENT_PERMISSIONS, api_client_create


class Command(BaseCommand):
    help = (
        "Create an API client NAME and print its token. Without --permission or --group it gets "
        "the default role: read, quote and predict (--read-only: read and predict only)."
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

    def handle(self, *args: Any, **options: Any) -> None:
        permissions = options["permission"]
        if not (permissions or options["group"] or options["read_only"]):
            permissions = list(DEFAULT_API_CLIENT_PERMISSIONS)
        try:
            token = api_client_create(
                name=options["name"], permissions=permissions, groups=options["group"]
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token.key)
        self.stderr.write(self.style.SUCCESS(f"Created API client {options['name']!r}."))
