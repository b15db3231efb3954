"""Derive risk classes from a portfolio's claims as a zoning proposal (approve with --approve)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlmodels.management.portfolio_files import operator_errors, portfolio_bytes
from mlmodels.services import dataset_create
from pricing_site.selectors import staff_user_get
from tariffs.services import zoning_proposal_approve, zoning_proposal_create
from tariffs.zoning import BANDWIDTH_KM, CREDIBILITY_K


class Command(BaseCommand):
    help = "Derive zones (risk classes and factors) from a portfolio's claims as a proposal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", required=True, type=Path, help="portfolio CSV")
        parser.add_argument("--classes", type=int, default=3, help="number of classes (2-5)")
        parser.add_argument(
            "--credibility-k",
            type=float,
            default=CREDIBILITY_K,
            help="expected claims that make a postcode half-credible",
        )
        parser.add_argument(
            "--bandwidth-km",
            type=float,
            default=BANDWIDTH_KM,
            help="width of the neighbourhood kernel in km",
        )
        parser.add_argument(
            "--by", metavar="USER", help="the staff member who derives it (its author)"
        )
        parser.add_argument(
            "--approve", action="store_true", help="apply the proposal at once (for scripts)"
        )
        parser.add_argument(
            "--approved-by",
            metavar="USER",
            help="with --approve: the staff member who approves it (not its author)",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="with --approve: why it is approved before an impact analysis of it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["approve"] and not options["approved_by"]:
            raise CommandError("--approve needs --approved-by USER: who approves the zoning.")
        content = portfolio_bytes(options["data"])
        with operator_errors(self.stderr):
            author = options["by"] and staff_user_get(username=options["by"])
            approver = options["approved_by"] and staff_user_get(username=options["approved_by"])
            dataset, _ = dataset_create(content=content, name=options["data"].name)
            proposal = zoning_proposal_create(
                dataset=dataset,
                classes=options["classes"],
                credibility_k=options["credibility_k"],
                bandwidth_km=options["bandwidth_km"],
                created_by=author or None,
            )
            if options["approve"]:
                proposal = zoning_proposal_approve(
                    proposal=proposal, approved_by=approver, reason=options["reason"]
                )
        for row in proposal.summary["classes"]:
            self.stdout.write(
                f"class {row['risk_class']}: factor {row['factor']:.4f}, "
                f"{row['postcodes']} postcodes ({row['postcodes_from_neighbours']} from their "
                f"neighbours), exposure {row['exposure']:.0f}, claims {row['claims']}"
            )
        state = "approved and applied" if options["approve"] else "a draft to review in the admin"
        self.stdout.write(
            self.style.SUCCESS(
                f"Zoning proposal {proposal.pk}: {proposal.summary['changed_postcodes']} postcodes "
                f"change class; {state}."
            )
        )
