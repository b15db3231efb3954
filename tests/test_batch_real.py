"""The real Belgian book (163,212 policies) priced through the API in one call, on a real worker,
with the premiums the quotes of a sample answer."""

import io
import random
import time
from importlib import import_module
from pathlib import Path

import pandas as pd
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from strategies.tests.fixtures import rule
from zipcodes.services import zipcode_file_lines, zipcode_load_csv

REAL_PORTFOLIO = Path(settings.PRICING_SHARED_DIR) / "data" / "beMTPL97.csv"
SAMPLE = 25

pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.skipif(not REAL_PORTFOLIO.exists(), reason="the shared real portfolio is absent"),
]


def test_the_real_book_is_priced_through_the_api_as_its_quotes_are(
    celery_worker, make_api_client, production_tariff, demo_history, tariff
):
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)
    lines = zipcode_file_lines((Path(settings.BASE_DIR) / "fixtures" / "zipcodes.csv").read_bytes())
    zipcode_load_csv(lines=lines)
    rule(fuel="diesel", percent="-3")
    rule(percent="0")
    client = make_api_client("tariffs.add_quote")
    upload = io.BytesIO(REAL_PORTFOLIO.read_bytes())
    upload.name = REAL_PORTFOLIO.name
    started_at = time.monotonic()

    started = client.post(reverse("api:tariffs:pricing_batches"), {"file": upload})

    assert started.status_code == 202, started.json()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        batch = client.get(started["Location"]).json()
        if batch["state"] in ("done", "failed"):
            break
        time.sleep(1)
    assert batch["state"] == "done", batch["error"]
    print(f"{batch['policies']} policies priced in {time.monotonic() - started_at:.1f} s")
    book = pd.read_csv(REAL_PORTFOLIO)
    assert batch["policies"] == len(book) == 163_212
    # Every postcode of the book is in the table.
    assert (batch["priced"], batch["failed"]) == (163_212, 0)
    for index in random.Random(11).sample(range(len(book)), SAMPLE):
        page = client.get(batch["results_url"], {"page": index // 1000 + 1}).json()
        result = page["results"][index % 1000]
        policy = book.iloc[index]
        quote = client.post(
            reverse("api:tariffs:quotes"),
            {
                "zipcode": int(policy.postcode),
                "vehicle": {
                    "brand": "Any",
                    "fuel": policy.fuel,
                    "power_kw": int(policy.power),
                    "age": int(policy.agec),
                },
                "driver": {"age": int(policy.ageph), "bonus_malus": int(policy.bm)},
                "coverage": policy.coverage,
                "use": policy.use,
                "fleet": bool(policy.fleet),
                "date": batch["date"],
            },
            format="json",
        ).json()
        assert (result["index"], result["line"], result["reference"]) == (
            index,
            index + 2,
            str(policy.id),
        )
        assert result["premium"] == quote["premium"], index
        assert [step["amount"] for step in result["steps"]] == [
            step["amount"] for step in quote["breakdown"]
        ]
