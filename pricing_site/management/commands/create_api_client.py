"""Create an API client and print its token."""

from django.core.management.base import BaseCommand, CommandError

from pricing_site.exceptions import ApplicationError
from pricing_site.services import api_client_create


class Command(BaseCommand):
    help = "Create an API client NAME with optional permissions or groups, and print its token."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
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

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            token = api_client_create(
                name=options["name"], permissions=options["permission"], groups=options["group"]
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token.key)
        self.stderr.write(self.style.SUCCESS(f"Created API client {options['name']!r}."))
