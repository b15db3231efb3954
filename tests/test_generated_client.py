"""A partner's Python client, generated with openapi-python-client from the running server's
schema, imported and driven through the README's flows: the schema keeps every enum member apart
(TPL, TPL+, TPL++) and every answer parses as the schema says, errors as the client's `Error`."""

import importlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests

from pricing_site.services import api_client_create
from strategies.models import PricingRule

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "pricing_partner_client"


@pytest.fixture
def partner(live_server, tmp_path, risk_classes, pricing_world):
    """The generated package, and a client of it authenticated as a partner that quotes."""
    schema = tmp_path / "schema.json"
    answer = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    answer.raise_for_status()
    schema.write_text(answer.text, encoding="utf-8")
    command = [GENERATOR, "generate", "--path", schema, "--output-path", tmp_path / PACKAGE]
    subprocess.run(
        [*map(str, command), "--meta", "none"], check=True, capture_output=True, timeout=300
    )
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        issued = api_client_create(
            name="partner",
            permissions=["tariffs.add_quote", "tariffs.add_impactanalysis"],
            groups=[],
        )
        client = package.AuthenticatedClient(
            base_url=live_server.url,
            token=issued.key,
            prefix="Token",
            raise_on_unexpected_status=True,
        )
        yield package, client
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def module(package, name: str):
    return importlib.import_module(f"{package.__name__}.{name}")


def test_the_readme_flows_work_through_a_generated_client(partner, pricing_world):
    package, client = partner
    models = module(package, "models")
    quotes = {
        name: module(package, f"api.quotes.{name}")
        for name in ("quotes_create", "quotes_retrieve", "quotes_reprice_create")
    }

    created = {}
    for coverage in models.CoverageEnum:
        body = models.QuoteCreateInputRequest(
            zipcode=1000,
            vehicle=models.QuoteVehicleInputRequest(
                brand="Toyota",
                fuel=models.QuoteVehicleInputFuelEnum.DIESEL,
                power_kw=85,
                age=3,
            ),
            driver=models.QuoteDriverInputRequest(age=35, bonus_malus=2),
            coverage=coverage,
            use=models.UseEnum.PRIVATE,
            fleet=False,
        )
        created[coverage.value] = quotes["quotes_create"].sync(client=client, body=body)

    assert set(created) == {"TPL", "TPL+", "TPL++"}
    assert all(isinstance(quote, models.QuoteOutput) for quote in created.values())
    assert len({quote.premium for quote in created.values()}) == 3  # three coverages, three prices
    stored = created["TPL+"]
    again = quotes["quotes_retrieve"].sync(stored.id, client=client)
    assert again.premium == stored.premium
    repriced = quotes["quotes_reprice_create"].sync(stored.id, client=client)
    assert isinstance(repriced, models.QuoteRepricingOutput)
    assert repriced.reproducible is True
    assert repriced.reproduced.breakdown[0].uses is not None

    zipcode = module(package, "api.zipcodes.zipcodes_retrieve").sync("9000", client=client)
    assert zipcode.risk_class == "B"
    latest = module(package, "api.indices.indices_health_retrieve").sync(client=client)
    assert latest.results
    history = module(package, "api.indices.indices_health_history_retrieve").sync(
        2013, client=client, from_="2025-01", to="2025-03"
    )
    assert len(history.results) == 3

    record = models.PredictionRecordRequest(
        coverage=models.CoverageEnum.TPL_PLUS_PLUS,
        ageph=40,
        bm=3,
        power=80,
        agec=5,
        fuel=models.PredictionRecordFuelEnum.PETROL,
        use=models.UseEnum.PRIVATE,
        fleet=0,
    )
    prediction = module(package, "api.predictions.predictions_create").sync(
        client=client,
        body=models.PredictionCreateInputRequest(
            task=models.TaskEnum.CLAIM_FREQUENCY, records=[record]
        ),
    )
    assert isinstance(prediction, models.PredictionOutput)

    analysis = module(package, "api.impact_analyses.impact_analyses_create").sync(
        client=client,
        body=models.ImpactAnalysisCreateInputRequest(
            dataset=pricing_world["frequency"].dataset_id,
            scenario=models.ImpactScenarioInputRequest(rules=[PricingRule.objects.first().pk]),
            date=date(2026, 11, 24),
        ),
    )
    assert isinstance(analysis, models.ImpactAnalysisOutput)
    read = module(package, "api.impact_analyses.impact_analyses_retrieve").sync(
        analysis.id, client=client
    )
    assert read.id == analysis.id

    policy = models.PricingBatchPolicyInputRequest(
        zipcode=1000,
        vehicle=models.QuoteVehicleInputRequest(
            brand="Toyota", fuel=models.QuoteVehicleInputFuelEnum.DIESEL, power_kw=85, age=3
        ),
        driver=models.QuoteDriverInputRequest(age=35, bonus_malus=2),
        coverage=models.CoverageEnum.TPL_PLUS,
        use=models.UseEnum.PRIVATE,
        reference="POL-1",
    )
    batch = module(package, "api.pricing_batches.pricing_batches_create").sync(
        client=client, body=models.PricingBatchJsonInputRequest(policies=[policy, policy])
    )
    assert isinstance(batch, models.PricingBatchOutput)
    assert batch.state == models.JobStateEnum.DONE
    assert [result.premium for result in batch.results] == [stored.premium] * 2
    assert batch.results[0].reference == "POL-1"
    page = module(package, "api.pricing_batches.pricing_batch_policies_list").sync(
        batch.id, client=client
    )
    assert page.count == 2

    unknown = module(package, "api.zipcodes.zipcodes_retrieve").sync("4000", client=client)
    assert isinstance(unknown, models.Error)
    assert unknown.code == "zipcode_not_found"
