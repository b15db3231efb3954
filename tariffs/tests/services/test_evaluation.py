"""The tariff's models: zone offset, balance, severity with capped large claims, the backtest."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import translation

from mlmodels.offsets import offset_frame
from mlmodels.pipelines import amount_capped, large_claim_cap_fit
from mlmodels.selectors import dataset_frame_get
from mlmodels.services import model_version_train
from mlmodels.services.training import dataset_split
from mlmodels.serving import model_version_predict
from mlmodels.synthetic import true_severity
from mlmodels.tests.fixtures import promote
from tariffs.selectors import zone_offset_get
from tariffs.services import QuoteRequest, quote_price
from tariffs.services.evaluation import (
    gini,
    gini_standard_error,
    tariff_evaluate,
    tariff_models_get,
    tariff_risk,
    warning_text,
)
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db

RECORD = {
    "coverage": "TPL",
    "ageph": 40,
    "bm": 3,
    "power": 80,
    "agec": 5,
    "fuel": "petrol",
    "use": "private",
    "fleet": 0,
}


@pytest.fixture
def zones(django_capture_on_commit_callbacks):
    """Brussels in C (× 1.35), everything else in A (× 1.00)."""
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000-1299,C", "1300-9999,A"])
    return zone_offset_get()


def test_frequency_model_learns_given_the_zone_factor_and_balances_the_tariff(dataset, zones):
    version = model_version_train(dataset=dataset, task="claim_frequency", estimator="glm", cv=0)
    train, _ = dataset_split(offset_frame(dataset_frame_get(dataset=dataset), offset=zones))
    records = train[list(version.feature_schema["features"])].to_dict("records")

    per_year = np.array(
        model_version_predict(task="claim_frequency", records=records, version_id=version.pk).values
    )
    predicted = (per_year * train["zone_factor"] * train["expo"]).sum()

    assert predicted == pytest.approx(train["nclaims"].sum(), rel=1e-3)
    assert not version.uses_location
    assert "postcode" not in version.feature_schema["features"]
    assert version.zone_factors == {"A": "1.00", "B": "1.15", "C": "1.35"}


def test_location_aware_model_is_trained_only_when_asked(dataset):
    version = model_version_train(
        dataset=dataset, task="claim_frequency", estimator="glm", cv=0, location=True
    )

    assert version.uses_location
    assert "postcode" in version.feature_schema["features"]
    assert version.zoning_version is None


def test_severity_caps_large_claims_and_spreads_them_as_a_loading(dataset, portfolio_frame):
    version = model_version_train(dataset=dataset, task="claim_severity", estimator="glm", cv=2)
    train, _ = dataset_split(dataset_frame_get(dataset=dataset))
    capped = amount_capped(train, cap=version.large_claim_cap).sum()

    assert version.large_claim_cap == pytest.approx(large_claim_cap_fit(train))
    assert version.large_claim_loading == Decimal(
        (train["amount"].sum() - capped) / capped
    ).quantize(Decimal("0.0001"))
    assert version.metrics["metric"] == "mean_gamma_deviance"
    assert len(version.metrics["cv_scores"]) == 2


def test_severity_model_recovers_the_true_cost_per_claim(dataset, portfolio_frame):
    version = model_version_train(dataset=dataset, task="claim_severity", estimator="glm", cv=0)
    records = [RECORD, {**RECORD, "coverage": "TPL++", "power": 150}]

    cheap, dear = model_version_predict(
        task="claim_severity", records=records, version_id=version.pk
    ).values

    truth = true_severity(pd.DataFrame(records))
    assert dear / cheap == pytest.approx(truth[1] / truth[0], rel=0.25)


def test_severity_balances_capped_cost_on_the_training_split(dataset):
    version = model_version_train(dataset=dataset, task="claim_severity", estimator="glm", cv=0)
    train, _ = dataset_split(dataset_frame_get(dataset=dataset))
    claimed = train[train["nclaims"] > 0]
    records = claimed[list(version.feature_schema["features"])].to_dict("records")

    severity = np.array(
        model_version_predict(task="claim_severity", records=records, version_id=version.pk).values
    )
    loading = float(version.large_claim_loading)

    assert (severity * claimed["nclaims"]).sum() * (1 + loading) == pytest.approx(
        claimed["amount"].sum(), rel=1e-3
    )


def test_gini_matches_the_lorenz_curve_computed_by_hand():
    exposure = np.ones(4)
    losses = np.array([0.0, 0.0, 1.0, 3.0])

    # Right order: losses share 0, 0, 1/4, 1 at exposure 1/4…1: area 0.1875, Gini 0.625.
    assert gini(np.array([1.0, 2.0, 3.0, 4.0]), exposure, losses) == pytest.approx(0.625)
    assert gini(np.array([4.0, 3.0, 2.0, 1.0]), exposure, losses) == pytest.approx(-0.625)


def test_gini_standard_error_grows_when_one_claim_carries_the_losses():
    rng = np.random.default_rng(1)
    predicted = rng.gamma(2.0, size=2000)
    exposure = np.ones(2000)
    spread = rng.poisson(predicted) * 1000.0
    one_large = spread.copy()
    one_large[np.argmax(predicted < 0.5)] += spread.sum() * 5

    assert gini_standard_error(predicted, exposure, spread) < 0.05
    assert gini_standard_error(predicted, exposure, one_large) > 2 * gini_standard_error(
        predicted, exposure, spread
    )


@pytest.fixture
def tariff_in_production(dataset, zones, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        frequency = promote(
            model_version_train(dataset=dataset, task="claim_frequency", estimator="glm", cv=0)
        )
        severity = promote(
            model_version_train(dataset=dataset, task="claim_severity", estimator="glm", cv=0)
        )
    return frequency, severity


def test_tariff_evaluate_scores_the_risk_premium_on_the_holdout(tariff_in_production, dataset):
    result = tariff_evaluate(frame=dataset_frame_get(dataset=dataset))

    assert result["frequency_model"] == tariff_in_production[0].pk
    assert result["severity_model"] == tariff_in_production[1].pk
    assert 0.8 < result["claims_ratio"] < 1.2
    assert set(result["claims_ratio_by_zone"]) == {"A", "C"}
    assert len(result["by_decile"]) == 10
    assert set(result["by_fuel"]) == {"gasoline", "diesel"}
    assert result["warnings"] == []


def test_tariff_evaluate_warns_when_models_predate_the_zoning(tariff_in_production, dataset):
    tariff_in_production[0].zoning_version = 99
    tariff_in_production[0].save()

    result = tariff_evaluate(frame=dataset_frame_get(dataset=dataset))

    assert any(warning["code"] == "zoning_changed" for warning in result["warnings"])
    texts = [warning_text(warning) for warning in result["warnings"]]
    assert any("retrain it on the new zones" in text for text in texts)
    with translation.override("nl"):
        dutch = [warning_text(warning) for warning in result["warnings"]]
    assert not any("retrain it" in text for text in dutch)


def test_evaluate_tariff_command_prints_json_and_writes_the_report(
    tariff_in_production, portfolio_csv, tmp_path
):
    data = tmp_path / "portfolio.csv"
    data.write_bytes(portfolio_csv)
    report = tmp_path / "report.html"
    out = StringIO()

    call_command(
        "evaluate_tariff", "--data", str(data), "--json", "--report", str(report), stdout=out
    )

    result = json.loads(out.getvalue())
    assert {"frequency_deviance", "claims_ratio", "cost_ratio", "claims_ratio_by_zone", "gini"} <= (
        set(result)
    )
    written = report.read_text()
    assert "data:image/png;base64," in written
    # The production models' rating factors, each variable with its chart and its levels.
    for version in tariff_in_production:
        assert f"Rating factors of model version {version.pk}" in written
    assert written.count("<h3>Bonus-malus level</h3>") == 2


def test_the_backtest_prices_the_holdout_as_the_quote_does_to_the_cent(book):
    """One formula: the backtest's risk premium of each holdout policy is the quote's "zone"
    step (expected claim cost × zone factor) for the same policy."""
    _, holdout = dataset_split(dataset_frame_get(dataset=book))
    sample = holdout.sample(300, random_state=0)

    risk = tariff_risk(tariff_models_get(), sample, zone_offset_get())

    backtest = [Decimal(round(cost * 100)).scaleb(-2) for cost in risk.cost]
    quoted = [
        Decimal(
            next(
                step["amount"]
                for step in quote_price(
                    request=QuoteRequest(
                        zipcode=int(policy.postcode),
                        brand=None,
                        fuel=policy.fuel,
                        power_kw=int(policy.power),
                        vehicle_age=int(policy.agec),
                        driver_age=int(policy.ageph),
                        bonus_malus=int(policy.bm),
                        coverage=policy.coverage,
                        use=policy.use,
                        fleet=bool(policy.fleet),
                        date=date(2026, 11, 24),
                    )
                ).breakdown
                if step["step"] == "zone"
            )
        )
        for policy in sample.itertuples()
    ]
    assert backtest == quoted
