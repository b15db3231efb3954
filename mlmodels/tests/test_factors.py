"""Rating factors: a GLM's relativities recover the effects the generated portfolio was drawn
with, inside their confidence intervals; every frequency and severity version carries its
factors, read on its admin page and through the API."""

import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from mlmodels.factors import rating_factors
from mlmodels.pipelines import pipeline_build, pipeline_fit
from mlmodels.schema import portfolio_typed
from mlmodels.synthetic import portfolio_generate

pytestmark = pytest.mark.django_db

# The true relativities of mlmodels.synthetic.true_frequency, against the levels with most
# exposure (bonus-malus 0, petrol, private, not a fleet, TPL; power 55–69 kW whose band mean is
# far below the 100 kW step; drivers of 40–49 against the 1.8 of those under 25).
TRUE_RELATIVITIES = {
    ("bm", "10"): 1.6487,  # exp(0.05 × 10)
    ("fuel", "diesel"): 1.15,
    ("use", "work"): 1.10,
    ("fleet", "1"): 0.9,
    ("coverage", "TPL+"): 1.0,
    ("coverage", "TPL++"): 1.0,
    ("ageph", "17–24"): 1.8,
    ("power", "100+"): 1.2,
}


def relativities(factors):
    return {
        (factor["variable"], level["level"]): level
        for factor in factors["variables"]
        for level in factor["levels"]
    }


def test_glm_relativities_recover_the_true_effects_within_their_intervals():
    frame = portfolio_typed(portfolio_generate(rows=30000, seed=4))
    pipeline = pipeline_fit(
        pipeline_build(task="claim_frequency", estimator="glm"), task="claim_frequency", frame=frame
    )

    factors = rating_factors(
        pipeline=pipeline,
        task="claim_frequency",
        estimator="glm",
        frame=frame,
        balance=1.0,
        cap=None,
        offset=None,
    )

    found = relativities(factors)
    assert factors["kind"] == "relativities"
    for key, true in TRUE_RELATIVITIES.items():
        level = found[key]
        assert level["low"] <= true <= level["high"], (key, level)
        assert level["high"] / level["low"] < 1.6, (key, level)  # an interval that says something
    assert found[("bm", "0")]["relativity"] == 1.0  # the base: most exposure


def test_one_way_view_is_the_training_data_and_the_model_per_level(train):
    version = train(estimator="glm")

    bm = next(factor for factor in version.factors["variables"] if factor["variable"] == "bm")
    zero = bm["levels"][0]
    assert (bm["base_level"], zero["level"]) == ("0", "0")
    assert zero["exposure"] > 0
    assert zero["observed"] == pytest.approx(zero["predicted"], rel=0.25)
    assert {factor["variable"] for factor in version.factors["variables"]} >= {
        "ageph",
        "bm",
        "power",
        "agec",
        "fuel",
        "coverage",
        "use",
        "fleet",
    }


def test_boosted_model_gives_its_partial_dependence_and_probability_model_none(train):
    boosted = train(estimator="hist_gradient_boosting")
    probability = train(task="claim_probability", estimator="glm")

    assert boosted.factors["kind"] == "partial_dependence"
    assert "low" not in boosted.factors["variables"][0]["levels"][0]
    assert probability.factors == {}


def test_factors_api_answers_the_stored_factors_and_404_without(make_api_client, train):
    severity = train(task="claim_severity", estimator="glm")
    probability = train(task="claim_probability", estimator="glm")
    client = make_api_client()

    response = client.get(reverse("api:mlmodels:factors", kwargs={"version_id": severity.pk}))
    missing = client.get(reverse("api:mlmodels:factors", kwargs={"version_id": probability.pk}))

    assert response.status_code == 200
    body = response.json()
    assert (body["model"], body["measure"], body["exposure"]) == (
        severity.pk,
        "mean_cost",
        "claims",
    )
    assert body["variables"] == severity.factors["variables"]
    assert (missing.status_code, missing.json()["code"]) == (404, "factors_not_available")


def test_model_page_shows_each_rating_factor_quickly_once_drawn(client, train):
    version = train(estimator="glm")
    client.force_login(User.objects.create_superuser("actuary", password="x"))
    url = reverse("admin:mlmodels_modelversion_change", args=[version.pk])
    client.get(url)  # draws the charts (and the comparison) once

    started = time.perf_counter()
    page = client.get(url).content.decode()
    elapsed = time.perf_counter() - started

    assert 'id="factor-bm"' in page
    assert page.count('<div class="rating-factor"') == len(version.factors["variables"])
    assert "95 % interval" in page
    assert elapsed < 0.3
