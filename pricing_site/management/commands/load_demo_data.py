"""Load the demo data set so a fresh checkout answers every API call (used by `make run`)."""

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pricing_site.services import api_client_create, api_client_rotate

DEMO_ADMIN = "admin"
DEMO_API_CLIENT = "demo"
DEMO_KEY_GRACE = datetime.timedelta(days=1)
# Two staff members, so four eyes can be tried: one drafts, the other approves (passwords: names).
DEMO_AUTHOR = "author"
DEMO_APPROVER = "approver"
DEMO_STAFF_GROUPS = ["pricing editors", "model managers"]

DEMO_PORTFOLIO = Path(settings.MEDIA_ROOT) / "demo" / "portfolio.csv"
# Each app's demo data, loaded in order through the app's own command.
DEMO_STEPS: list[tuple[str, ...]] = [
    ("load_zipcodes", str(settings.BASE_DIR / "fixtures" / "zipcodes.csv")),
    (
        "fetch_health_index",
        "--history",
        str(settings.BASE_DIR / "fixtures" / "health_index_history.txt"),
    ),
    ("generate_portfolio", "--rows", "20000", "--seed", "0", "--out", str(DEMO_PORTFOLIO)),
    # The zones come from the portfolio's claims; the tariff model learns with them as offset.
    (
        "derive_zones",
        "--data",
        str(DEMO_PORTFOLIO),
        "--by",
        DEMO_AUTHOR,
        "--approve",
        "--approved-by",
        DEMO_APPROVER,
        "--reason",
        "The demo's first zoning: there is no tariff yet to simulate it against.",
    ),
    *(
        (
            "train_model",
            "--data",
            str(DEMO_PORTFOLIO),
            "--task",
            task,
            "--estimator",
            estimator,
            "--cv",
            "0",
            "--trained-by",
            DEMO_AUTHOR,
            "--promote-if-better",
            "--approved-by",
            DEMO_APPROVER,
        )
        for task, estimator in (
            ("claim_frequency", "glm"),
            ("claim_severity", "glm"),
            ("claim_probability", "glm"),
        )
    ),
    ("load_strategies", str(settings.BASE_DIR / "fixtures" / "strategies.json")),
]
# What the demo API client may do beyond reading (app_label.codename).
DEMO_API_PERMISSIONS: list[str] = ["tariffs.add_quote", "tariffs.add_impactanalysis"]


class Command(BaseCommand):
    help = (
        "Load the demo tables, index history and model, plus a demo admin, an author and an "
        "approver, and an API client."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data (with its known admin password) needs DJANGO_DEBUG=true.")
        user_model = get_user_model()
        if not user_model.objects.filter(username=DEMO_ADMIN).exists():
            user_model.objects.create_superuser(DEMO_ADMIN, password=DEMO_ADMIN)
        groups = list(Group.objects.filter(name__in=DEMO_STAFF_GROUPS))
        for name in (DEMO_AUTHOR, DEMO_APPROVER):
            if not user_model.objects.filter(username=name).exists():
                user = user_model.objects.create_user(name, password=name, is_staff=True)
                user.groups.set(groups)
        for step in DEMO_STEPS:
            call_command(*step, stdout=self.stdout, stderr=self.stderr)
        # A key is stored only as a hash: each run prints a new one (the last run's keeps
        # working for a day).
        if user_model.objects.filter(username=DEMO_API_CLIENT).exists():
            issued = api_client_rotate(name=DEMO_API_CLIENT, grace=DEMO_KEY_GRACE)
        else:
            issued = api_client_create(name=DEMO_API_CLIENT, permissions=DEMO_API_PERMISSIONS)
        token = issued.key
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: admin at /admin/ ({DEMO_ADMIN}/{DEMO_ADMIN}; to try four eyes, "
                f"{DEMO_AUTHOR}/{DEMO_AUTHOR} drafts and {DEMO_APPROVER}/{DEMO_APPROVER} "
                f"approves), "
                f"API token for curl: {token}"
            )
        )
