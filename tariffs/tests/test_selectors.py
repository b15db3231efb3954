"""Reads of the tariff: the backtest's report, drawn once per language and kept."""

import pytest
from django.core.cache import cache
from django.utils import translation

from tariffs.caching import evaluation_report_key
from tariffs.models import TariffEvaluation
from tariffs.selectors import tariff_evaluation_report_get

pytestmark = pytest.mark.django_db

ROW = {"claims_ratio": 1.01, "cost_ratio": 0.99, "exposure": 100.0, "claims": 10}
RESULT = {
    "rows": 3,
    "frequency_deviance": 0.59,
    "claims_ratio": 1.02,
    "cost_ratio": 0.99,
    "gini": 0.27,
    "gini_standard_error": 0.026,
    "frequency_model": 3,
    "severity_model": 4,
    "zoning_version": 1,
    "by_zone": {"A": ROW},
    "by_decile": {"1": ROW},
    "by_fuel": {"diesel": ROW},
    "by_coverage": {"TPL": ROW},
    "warnings": [],
}


def test_tariff_evaluation_report_is_drawn_once_per_language_and_kept(dataset):
    evaluation = TariffEvaluation.objects.create(
        dataset=dataset, state=TariffEvaluation.State.DONE, result=RESULT
    )

    with translation.override("nl"):
        dutch = tariff_evaluation_report_get(evaluation=evaluation)
    with translation.override("fr"):
        french = tariff_evaluation_report_get(evaluation=evaluation)

    assert "Tariefevaluatie" in dutch
    assert "Évaluation du tarif" in french
    assert cache.get(evaluation_report_key(evaluation_id=evaluation.pk, language="nl")) == dutch
    assert cache.get(evaluation_report_key(evaluation_id=evaluation.pk, language="fr")) == french
