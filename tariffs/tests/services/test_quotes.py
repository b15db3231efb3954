"""The quote: arithmetic on hand-computed examples, references, reproducibility, errors, budget."""

from datetime import date
from decimal import Decimal

import pytest

from mlmodels.services import model_version_train
from mlmodels.serving import model_version_predict
from mlmodels.tests.fixtures import promote
from pricing_site.exceptions import ApplicationError, NotFoundError, ServiceUnavailableError
from strategies.caching import rules_cache_clear
from strategies.models import FuelMapping, PricingRule
from strategies.services import fuel_mapping_save
from strategies.tests.fixtures import rule
from tariffs.models import TariffVersion
from tariffs.services import (
    PremiumFactors,
    premium_compute,
    premium_quote,
    quote_reprice,
    tariff_version_create,
)
from tariffs.tests.fixtures import quote_request
from zipcodes.models import RiskClass
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db

FACTORS = PremiumFactors(
    frequency=0.125,
    severity=Decimal("1600.00"),
    large_claim_loading=Decimal("0"),
    zone_factor=Decimal("1.15"),
    adjustment_percent=Decimal("-8.00"),
    current_index=Decimal("139.08"),
    reference_index=Decimal("135.52"),
    commercial_loading=Decimal("0.250"),
    policy_fee=Decimal("25.00"),
    minimum_premium=Decimal("150.00"),
)


def test_premium_compute_matches_hand_computation():
    # 0.125 × 1600 = 200.00; × 1.15 = 230.00; × 0.92 = 211.60; × 139.08/135.52 = 217.1584… → 217.16;
    # × 1.25 = 271.45; + 25 = 296.45; above the minimum.
    premium, steps = premium_compute(FACTORS)

    assert premium == Decimal("296.45")
    assert [step["amount"] for step in steps] == [
        "200.00",
        "230.00",
        "211.60",
        "217.16",
        "271.45",
        "296.45",
        "296.45",
    ]


def test_premium_compute_rounds_half_up_at_each_step():
    # 0.1 × 1234.45 = 123.445 → 123.45 (half-up, not banker's 123.44)
    factors = PremiumFactors(
        **{
            **FACTORS.__dict__,
            "frequency": 0.1,
            "severity": Decimal("1234.45"),
            "zone_factor": Decimal("1"),
            "adjustment_percent": Decimal("0"),
            "current_index": Decimal("100"),
            "reference_index": Decimal("100"),
            "commercial_loading": Decimal("0"),
            "policy_fee": Decimal("0"),
            "minimum_premium": Decimal("0"),
        }
    )

    assert premium_compute(factors)[0] == Decimal("123.45")


def test_premium_compute_spreads_the_large_claim_loading_over_expected_cost():
    # 0.125 × 1600 × 1.0500 = 210.00; × 1.15 = 241.50
    factors = PremiumFactors(**{**FACTORS.__dict__, "large_claim_loading": Decimal("0.0500")})

    _, steps = premium_compute(factors)

    assert [step["amount"] for step in steps[:2]] == ["210.00", "241.50"]
    assert "large-claim loading 0.0500" in steps[0]["explanation"]


def test_premium_compute_applies_minimum_premium():
    factors = PremiumFactors(**{**FACTORS.__dict__, "frequency": 0.01})

    premium, steps = premium_compute(factors)

    assert premium == Decimal("150.00")
    assert steps[-1]["step"] == "minimum"


@pytest.fixture
def priced_world(
    production_tariff, demo_history, tariff, brands, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C", "9000,B"])
    return {
        "toyota_diesel": rule(
            brands["toyota"], fuel="diesel", percent="-8", valid_from=date(2026, 1, 1)
        )
    }


RECORD = {
    "coverage": "TPL",
    "ageph": 35,
    "bm": 2,
    "power": 85,
    "agec": 3,
    "fuel": "diesel",
    "use": "private",
    "fleet": 0,
}


def test_premium_quote_combines_every_part_and_names_what_it_used(
    priced_world, production_tariff, tariff
):
    quote = premium_quote(request=quote_request())

    frequency = model_version_predict(task="claim_frequency", records=[RECORD]).values[0]
    severity = model_version_predict(task="claim_severity", records=[RECORD])
    expected, _ = premium_compute(
        PremiumFactors(
            **{
                **FACTORS.__dict__,
                "frequency": frequency,
                "severity": Decimal(repr(severity.values[0])).quantize(Decimal("0.01")),
                "large_claim_loading": severity.large_claim_loading,
                "zone_factor": Decimal("1.35"),
            }
        )
    )
    assert quote.premium == expected
    uses = {step["step"]: step["uses"] for step in quote.breakdown}
    cost = uses["expected_claim_cost"]
    assert cost["frequency_model_version"] == production_tariff["frequency"].pk
    assert cost["severity_model_version"] == production_tariff["severity"].pk
    assert "only place location enters" in quote.breakdown[1]["explanation"]
    assert uses["zone"]["risk_class"] == "C"
    assert uses["strategy"]["rule"] == priced_world["toyota_diesel"].pk
    assert (uses["indexation"]["month"], uses["indexation"]["value"]) == ("2026-06", "139.08")
    assert uses["loading"]["tariff_version"] == tariff.pk


def test_quote_reprice_gives_same_premium_after_tables_changed(
    priced_world, train, brands, django_capture_on_commit_callbacks
):
    quote = premium_quote(request=quote_request())
    with django_capture_on_commit_callbacks(execute=True):
        RiskClass.objects.filter(code="C").update(factor=Decimal("2.00"))
        PricingRule.objects.filter(pk=priced_world["toyota_diesel"].pk).update(
            adjustment_percent=Decimal("10")
        )
        rules_cache_clear()
        tariff_version_create(
            version=TariffVersion(
                reference_base_year=2013,
                reference_month=date(2026, 1, 1),
                commercial_loading=Decimal("0.5"),
                policy_fee=Decimal("99"),
                minimum_premium=Decimal("10"),
                valid_from=date(2026, 2, 1),
                state="approved",
            )
        )
        promote(train(estimator="glm"))

    assert premium_quote(request=quote_request()).premium != quote.premium
    assert quote_reprice(quote=quote).premium == quote.premium


def test_premium_quote_says_when_brand_unknown(priced_world):
    quote = premium_quote(request=quote_request(brand="Lada"))

    strategy = quote.breakdown[2]["uses"]
    assert strategy["brand_known"] is False
    assert "not in the catalogue" in strategy["reason"]


@pytest.mark.parametrize("fuel", ["electric", "hybrid", "LPG"])
def test_premium_quote_refuses_fuel_the_model_never_saw_without_a_mapping(priced_world, fuel):
    with pytest.raises(ApplicationError) as raised:
        premium_quote(request=quote_request(fuel=fuel))

    assert raised.value.code == "fuel_not_modelled"


def test_premium_quote_prices_a_mapped_fuel_as_its_modelled_fuel_then_its_own_rule(
    priced_world, brands, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fuel_mapping_save(mapping=FuelMapping(fuel="electric", priced_as="petrol"))
    electric_rule = rule(fuel="electric", percent="-5")

    electric = premium_quote(request=quote_request(fuel="electric"))
    petrol = premium_quote(request=quote_request(fuel="petrol"))

    assert electric.frequency == petrol.frequency
    assert electric.severity == petrol.severity
    assert electric.pricing_rule_id == electric_rule.pk
    assert (
        "priced as petrol (no electric cars in the training data)"
        in (electric.breakdown[0]["explanation"])
    )
    assert quote_reprice(quote=electric).premium == electric.premium


def test_premium_quote_refuses_a_location_aware_frequency_model(
    priced_world, dataset, django_capture_on_commit_callbacks
):
    located = model_version_train(
        dataset=dataset, task="claim_frequency", estimator="glm", cv=0, location=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        promote(located)

    with pytest.raises(ServiceUnavailableError) as raised:
        premium_quote(request=quote_request())

    assert raised.value.code == "location_model_in_production"


def test_premium_quote_refuses_unknown_zipcode(priced_world):
    with pytest.raises(NotFoundError):
        premium_quote(request=quote_request(zipcode=4000))


def test_premium_quote_needs_a_production_model(
    demo_history, tariff, brands, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C"])

    with pytest.raises(ServiceUnavailableError) as raised:
        premium_quote(request=quote_request())

    assert raised.value.code == "no_production_model"


def test_premium_quote_needs_a_health_index(
    production_version, tariff, brands, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C"])

    with pytest.raises(ServiceUnavailableError) as raised:
        premium_quote(request=quote_request())

    assert raised.value.code == "no_health_index"


def test_premium_quote_on_warm_cache_reads_nothing_and_writes_once(
    priced_world, django_assert_num_queries
):
    premium_quote(request=quote_request())

    with django_assert_num_queries(1) as captured:
        premium_quote(request=quote_request(driver_age=40))

    assert captured.captured_queries[0]["sql"].startswith('INSERT INTO "strategies_quote"')
