"""Pricing batches through the API: a book priced with the quote's steps to the cent, each policy
that cannot be priced reported by line (or index) and field, the others still priced."""

import copy
import io
import random
from datetime import date, timedelta

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from strategies.models import FuelMapping
from strategies.services import fuel_mapping_save
from strategies.tests.fixtures import rule
from tariffs.models import PricingBatch, PricingBatchPolicy, Quote
from tariffs.services.batches import (
    pricing_batch_chunk_price,
    pricing_batch_finish,
    pricing_batch_start,
    pricing_batches_expire,
)
from tariffs.tests.fixtures import QUOTE
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 24)
BATCHES = reverse("api:tariffs:pricing_batches")


@pytest.fixture
def quoter(make_api_client):
    return make_api_client("tariffs.add_quote")


@pytest.fixture
def world(quoting, django_capture_on_commit_callbacks):
    """Three zones, rules at every level, electric cars priced as petrol."""
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C", "3000,A", "9000,B"])
        rule(quoting["volkswagen"], percent="4.5")
        rule(fuel="electric", percent="-5")
        rule(percent="-1")
        fuel_mapping_save(mapping=FuelMapping(fuel="electric", priced_as="petrol"))
    return quoting


def policy(**changes) -> dict:
    body = copy.deepcopy(QUOTE)
    for path, value in changes.items():
        *parents, name = path.split("__")
        target = body
        for parent in parents:
            target = target[parent]
        target[name] = value
    return body


def random_policies(count: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    return [
        policy(
            zipcode=rng.choice([1000, 3000, 9000]),
            vehicle__brand=rng.choice(["Toyota", "VW", "Citroën", "Lada"]),
            vehicle__fuel=rng.choice(["petrol", "diesel", "gasoline", "electric"]),
            vehicle__power_kw=rng.randint(30, 200),
            vehicle__age=rng.randint(0, 25),
            driver__age=rng.randint(18, 90),
            driver__bonus_malus=rng.randint(0, 22),
            coverage=rng.choice(["TPL", "TPL+", "TPL++"]),
            use=rng.choice(["private", "work"]),
            fleet=rng.random() < 0.2,
        )
        for _ in range(count)
    ]


def as_csv(policies: list[dict]) -> bytes:
    """The policies in the portfolio layout, numbered from 101."""
    frame = pd.DataFrame(
        {
            "id": range(101, 101 + len(policies)),
            "expo": 1.0,
            "coverage": [p["coverage"] for p in policies],
            "ageph": [p["driver"]["age"] for p in policies],
            "bm": [p["driver"]["bonus_malus"] for p in policies],
            "power": [p["vehicle"]["power_kw"] for p in policies],
            "agec": [p["vehicle"]["age"] for p in policies],
            "fuel": [p["vehicle"]["fuel"] for p in policies],
            "use": [p["use"] for p in policies],
            "fleet": [int(p["fleet"]) for p in policies],
            "postcode": [p["zipcode"] for p in policies],
            "brand": [p["vehicle"]["brand"] for p in policies],
        }
    )
    return frame.to_csv(index=False).encode()


def csv_upload(content: bytes, **fields) -> dict:
    upload = io.BytesIO(content)
    upload.name = "book.csv"
    return {"file": upload, **fields}


def assert_priced_as_quoted(quoter, policies: list[dict], results: list[dict]) -> None:
    for sent, result in zip(policies, results, strict=True):
        quote = quoter.post(reverse("api:tariffs:quotes"), {**sent, "date": str(ON)}, format="json")
        assert quote.status_code == 201, quote.json()
        breakdown = quote.json()["breakdown"]
        assert result["premium"] == quote.json()["premium"]
        assert [(s["step"], s["amount"]) for s in result["steps"]] == [
            (s["step"], s["amount"]) for s in breakdown
        ]
        assert result["priced_as_fuel"] == breakdown[0]["uses"]["priced_as_fuel"]
        assert result["rule"] == breakdown[2]["uses"]["rule"]
        assert result["risk_class"] == breakdown[1]["uses"]["risk_class"]


def test_a_json_batch_is_priced_at_once_as_each_quote_would_be(quoter, world):
    policies = random_policies(40)

    response = quoter.post(BATCHES, {"policies": policies, "date": str(ON)}, format="json")

    batch = response.json()
    assert response.status_code == 201, batch
    assert (batch["state"], batch["policies"], batch["priced"], batch["failed"]) == (
        "done",
        40,
        40,
        0,
    )
    assert [result["index"] for result in batch["results"]] == list(range(40))
    assert_priced_as_quoted(quoter, policies, batch["results"])
    assert batch["uses"]["tariff_version"] == world_tariff_id()
    assert response["Location"] == f"/api/v1/pricing-batches/{batch['id']}"
    # No offer is made: the only quotes are those the test asked for to compare.
    assert Quote.objects.count() == 40
    assert all(result["quote"] is None for result in batch["results"])


def world_tariff_id() -> int:
    from tariffs.models import TariffVersion

    return TariffVersion.objects.get().pk


def test_a_policy_that_cannot_be_priced_gets_its_errors_and_the_others_are_priced(quoter, world):
    policies = [
        policy(),
        policy(driver__age=12),
        policy(zipcode=4000),
        policy(vehicle__fuel="hydrogen"),
        policy(vehicle__fuel="hybrid"),  # no fuel mapping says how to price it
        "not a policy",
        {**policy(), "date": "2026-11-24", "reference": "x" * 61},
    ]

    batch = quoter.post(BATCHES, {"policies": policies}, format="json").json()

    assert (batch["priced"], batch["failed"]) == (1, 6)
    errors = [[(e["field"], e["code"]) for e in r["errors"]] for r in batch["results"]]
    assert errors == [
        [],
        [("policies.1.driver.age", "min_value")],
        [("policies.2.zipcode", "zipcode_not_found")],
        [("policies.3.vehicle.fuel", "unknown_fuel")],
        [("policies.4.vehicle.fuel", "fuel_not_modelled")],
        [("policies.5", "invalid")],
        [("policies.6.reference", "invalid"), ("policies.6.date", "not_allowed")],
    ]
    assert batch["results"][2]["premium"] is None
    assert batch["results"][2]["steps"] == []


def test_a_csv_batch_reports_each_bad_line_by_number_and_column(quoter, world):
    policies = random_policies(6)
    lines = as_csv(policies).decode().splitlines()
    header = lines[0].split(",")
    bad = lines[3].split(",")
    bad[header.index("ageph")] = "12"
    bad[header.index("fuel")] = "kerosene"
    lines[3] = ",".join(bad)
    unknown = lines[5].split(",")
    unknown[header.index("postcode")] = "4000"
    lines[5] = ",".join(unknown)

    response = quoter.post(
        BATCHES, csv_upload("\n".join(lines).encode(), date=str(ON)), format="multipart"
    )

    batch = response.json()
    assert response.status_code == 201, batch
    assert (batch["sent_as"], batch["priced"], batch["failed"]) == ("csv", 4, 2)
    results = batch["results"]
    assert [(r["line"], r["reference"]) for r in results][:3] == [
        (2, "101"),
        (3, "102"),
        (4, "103"),
    ]
    assert [(e["field"], e["code"]) for e in results[2]["errors"]] == [
        ("ageph", "below_minimum"),
        ("fuel", "unknown_fuel"),
    ]
    assert [(e["field"], e["code"]) for e in results[4]["errors"]] == [
        ("postcode", "zipcode_not_found")
    ]
    priced = [i for i in range(6) if i not in (2, 4)]
    assert_priced_as_quoted(quoter, [policies[i] for i in priced], [results[i] for i in priced])


def test_a_csv_whose_columns_are_not_the_portfolio_layout_is_refused(quoter, world):
    content = b"zipcode,ageph,fuel\n1000,35,diesel\n"

    response = quoter.post(BATCHES, csv_upload(content), format="multipart")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid_batch"
    assert ("file.coverage", "missing_column") in [(f["field"], f["code"]) for f in body["fields"]]
    assert ("file.zipcode", "unexpected_column") in [
        (f["field"], f["code"]) for f in body["fields"]
    ]
    assert not PricingBatch.objects.exists()


def test_batches_are_bounded_in_bytes_before_they_are_read_and_in_policies(quoter, world, settings):
    settings.PRICING_BATCH_MAX_POLICIES = 3
    too_many = quoter.post(BATCHES, {"policies": random_policies(4)}, format="json")
    settings.PRICING_BATCH_MAX_BYTES = 1000
    large_file = quoter.post(BATCHES, csv_upload(as_csv(random_policies(30))), format="multipart")
    large_json = quoter.post(BATCHES, {"policies": random_policies(30)}, format="json")

    assert (too_many.status_code, too_many.json()["code"]) == (400, "too_many_policies")
    assert (large_file.status_code, large_file.json()["code"]) == (400, "body_too_large")
    assert (large_json.status_code, large_json.json()["code"]) == (400, "body_too_large")
    assert not PricingBatch.objects.exists()


def test_a_retry_with_the_same_key_gets_the_first_batch(quoter, world):
    body = {"policies": random_policies(3)}
    key = {"HTTP_IDEMPOTENCY_KEY": "renewal-2026-12"}

    first = quoter.post(BATCHES, body, format="json", **key)
    again = quoter.post(BATCHES, body, format="json", **key)
    other = quoter.post(BATCHES, {"policies": random_policies(2)}, format="json", **key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["results"] == first.json()["results"]
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert PricingBatch.objects.count() == 1


def test_store_quotes_makes_each_priced_policy_an_offer(quoter, world):
    policies = [*random_policies(3), policy(zipcode=4000)]

    batch = quoter.post(BATCHES, {"policies": policies, "store_quotes": True}, format="json").json()

    stored = {quote.pk: quote for quote in Quote.objects.all()}
    assert len(stored) == 3
    for result in batch["results"][:3]:
        quote = stored[result["quote"]]
        assert str(quote.premium) == result["premium"]
        assert quote.requested_by == quoter.user
    assert batch["results"][3]["quote"] is None


def test_a_large_batch_is_queued_and_a_client_has_few_in_progress(
    quoter, world, settings, make_api_client
):
    settings.PRICING_BATCH_AT_ONCE = 2
    settings.PRICING_BATCH_CONCURRENT = 2
    body = {"policies": random_policies(5)}

    queued = [quoter.post(BATCHES, body, format="json") for _ in range(3)]
    another_client = make_api_client("tariffs.add_quote").post(BATCHES, body, format="json")

    assert [answer.status_code for answer in queued] == [202, 202, 429]
    assert queued[0].json()["results"] is None
    assert queued[0].json()["state"] == "queued"
    assert queued[2].json()["code"] == "too_many_batches"
    assert another_client.status_code == 202
    results = quoter.get(queued[0].json()["results_url"])
    assert (results.status_code, results.json()["code"]) == (409, "pricing_batch_not_done")


def test_results_come_in_pages_filtered_and_as_csv(quoter, world):
    policies = [*random_policies(4), policy(driver__age=12)]
    batch = quoter.post(BATCHES, {"policies": policies, "date": str(ON)}, format="json").json()

    failed = quoter.get(batch["results_url"], {"failed": "true"}).json()
    priced = quoter.get(batch["results_url"], {"failed": "false"}).json()
    every = quoter.get(batch["results_url"]).json()
    download = quoter.get(batch["csv_url"])

    assert [r["index"] for r in failed["results"]] == [4]
    assert [r["index"] for r in priced["results"]] == [0, 1, 2, 3]
    assert every["results"] == batch["results"]
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    table = pd.read_csv(io.BytesIO(b"".join(download.streaming_content)), dtype=str)
    assert list(table["premium"].fillna("")) == [r["premium"] or "" for r in batch["results"]]
    assert list(table["minimum"].fillna("")) == list(table["premium"].fillna(""))
    assert table["errors"].iloc[4] == (
        "policies.4.driver.age: Ensure this value is greater than or equal to 17. (min_value)"
    )


def test_a_batch_is_read_only_by_its_client_and_while_it_is_kept(quoter, world, make_api_client):
    batch = quoter.post(BATCHES, {"policies": random_policies(2)}, format="json").json()
    url = reverse("api:tariffs:pricing_batch", kwargs={"batch_id": batch["id"]})

    other = make_api_client().get(url)
    PricingBatch.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = quoter.get(url)

    assert (other.status_code, other.json()["code"]) == (404, "pricing_batch_not_found")
    assert expired.status_code == 404


def test_expired_batches_are_deleted_and_stale_ones_failed(quoter, world, settings):
    kept = quoter.post(BATCHES, {"policies": random_policies(2)}, format="json").json()
    gone = quoter.post(BATCHES, {"policies": random_policies(2)}, format="json").json()
    settings.PRICING_BATCH_AT_ONCE = 1
    stale = quoter.post(BATCHES, {"policies": random_policies(2)}, format="json").json()
    PricingBatch.objects.filter(pk=gone["id"]).update(expires_at=timezone.now())
    PricingBatch.objects.filter(pk=stale["id"]).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    stored = PricingBatch.objects.get(pk=gone["id"]).policies_file

    assert pricing_batches_expire() == {"failed": 1, "deleted": 1}
    assert set(PricingBatch.objects.values_list("pk", flat=True)) == {kept["id"], stale["id"]}
    assert not PricingBatchPolicy.objects.filter(batch_id=gone["id"]).exists()
    assert not stored.storage.exists(stored.name)
    assert PricingBatch.objects.get(pk=stale["id"]).state == "failed"


def test_privacy_officers_see_who_priced_which_batch_in_the_admin(quoter, world, client):
    from django.contrib.auth.models import Group, User

    batch = quoter.post(BATCHES, {"policies": random_policies(3)}, format="json").json()
    officer = User.objects.create_user("dpo", is_staff=True)
    officer.groups.add(Group.objects.get(name="privacy officers"))
    client.force_login(officer)

    listed = client.get(reverse("admin:tariffs_pricingbatch_changelist"))
    shown = client.get(reverse("admin:tariffs_pricingbatch_change", args=[batch["id"]]))
    deleted = client.post(reverse("admin:tariffs_pricingbatch_delete", args=[batch["id"]]))

    assert listed.status_code == 200
    assert quoter.user.username in listed.text
    assert shown.status_code == 200
    assert deleted.status_code == 403
    assert PricingBatch.objects.filter(pk=batch["id"]).exists()


def test_a_queued_batch_is_priced_with_the_tables_it_was_accepted_with(
    quoter, world, settings, django_capture_on_commit_callbacks
):
    policies = [policy(vehicle__fuel="diesel", zipcode=code) for code in (1000, 3000, 9000)]
    priced_then = quoter.post(BATCHES, {"policies": policies}, format="json").json()
    settings.PRICING_BATCH_AT_ONCE = 2
    queued = quoter.post(BATCHES, {"policies": policies}, format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        rule(fuel="diesel", percent="-20")  # approved after the batch came, before it is priced
        zipcode_load_csv(lines=["1000,A", "3000,A", "9000,A"])

    chunks = [
        pricing_batch_chunk_price(batch_id=queued["id"], start=start, stop=stop)
        for start, stop in pricing_batch_start(batch_id=queued["id"])
    ]
    pricing_batch_finish(batch_id=queued["id"], chunks=chunks)
    priced_later = quoter.get(queued["results_url"]).json()["results"]
    settings.PRICING_BATCH_AT_ONCE = 1000
    priced_now = quoter.post(BATCHES, {"policies": policies}, format="json").json()

    premiums = [result["premium"] for result in priced_then["results"]]
    assert [result["premium"] for result in priced_later] == premiums
    assert [result["premium"] for result in priced_now["results"]] != premiums


def test_each_policys_errors_are_in_the_language_the_batch_was_sent_in(quoter, world, settings):
    settings.PRICING_BATCH_AT_ONCE = 1  # priced later, as by a worker, outside the request
    policies = [policy(), policy(zipcode=4000)]
    lines = as_csv([policy(), policy()]).decode().splitlines()
    lines[2] = lines[2].replace(",35,", ",12,")  # the driver's age
    nl = {"HTTP_ACCEPT_LANGUAGE": "nl"}
    sent = [
        quoter.post(BATCHES, {"policies": policies}, format="json", **nl).json(),
        quoter.post(BATCHES, csv_upload("\n".join(lines).encode()), format="multipart", **nl),
    ]
    sent[1] = sent[1].json()

    for batch in sent:
        chunks = [
            pricing_batch_chunk_price(batch_id=batch["id"], start=start, stop=stop)
            for start, stop in pricing_batch_start(batch_id=batch["id"])
        ]
        pricing_batch_finish(batch_id=batch["id"], chunks=chunks)
    json_errors = quoter.get(sent[0]["results_url"]).json()["results"][1]["errors"]
    csv_errors = quoter.get(sent[1]["results_url"]).json()["results"][1]["errors"]

    assert json_errors[0]["message"] == "Postcode 4000 staat niet in de risicotabel."
    assert (csv_errors[0]["field"], csv_errors[0]["message"]) == (
        "ageph",
        "buiten het bereik (moet >= 17 zijn)",
    )
