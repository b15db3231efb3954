"""Draft what restores the state before a change of the tariff change log."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing_site.exceptions import ApplicationError
from pricing_site.selectors import staff_user_get
from tariffs.selectors import tariff_change_get
from tariffs.services import tariff_change_rollback

NEXT_STEP = {
    "pricing_rule": "Pricing rule {id}: its proposed end, or a draft with the ended rule's "
    "adjustment, restores the rules as they were: another staff member approves it in the admin.",
    "tariff_version": "Draft tariff version {id} restores the previous terms: another staff "
    "member approves it in the admin.",
    "zoning_proposal": "Draft zoning proposal {id} restores the previous classes and factors: "
    "another staff member approves it (derive_zones's --approve does not: it is in the admin).",
    "model_version": "Model version {id} was in production before: promote it again with "
    "promote_model {id} --approved-by USER (not who trained it).",
}


class Command(BaseCommand):
    help = (
        "Draft what undoes a tariff change (a rule, a tariff version, a zoning, a model promotion)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("change", type=int, help="the id of the change-log entry")
        parser.add_argument(
            "--by", required=True, metavar="USER", help="the staff member who drafts it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rollback = tariff_change_rollback(
                change=tariff_change_get(change_id=options["change"]),
                requested_by=staff_user_get(username=options["by"]),
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(NEXT_STEP[rollback.kind].format(id=rollback.id)))
