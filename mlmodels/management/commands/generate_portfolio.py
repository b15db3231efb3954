"""Write a synthetic portfolio with a known frequency structure (see mlmodels/synthetic.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mlmodels.synthetic import portfolio_generate


class Command(BaseCommand):
    help = "Write a synthetic portfolio in the MTPL layout with a documented claim frequency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        frame = portfolio_generate(rows=options["rows"], seed=options["seed"])
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out, index=False)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(frame)} policies (seed {options['seed']}) to {options['out']}."
            )
        )
