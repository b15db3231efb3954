"""The issue's sequence on the real Belgian portfolio, asserting the tariff's targets."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

REAL_PORTFOLIO = Path(settings.PRICING_SHARED_DIR) / "data" / "beMTPL97.csv"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.skipif(not REAL_PORTFOLIO.exists(), reason="the shared real portfolio is absent"),
]


@pytest.fixture
def tariff_result(approver, django_capture_on_commit_callbacks):
    data = str(REAL_PORTFOLIO)
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_zipcodes", str(settings.BASE_DIR / "fixtures" / "zipcodes.csv"), **quiet)
        call_command(
            "derive_zones",
            "--data",
            data,
            "--approve",
            "--approved-by",
            "approver",
            "--reason",
            "The real portfolio's first zoning.",
            **quiet,
        )
        for task in ("claim_frequency", "claim_severity"):
            call_command(
                "train_model",
                "--data",
                data,
                "--task",
                task,
                "--estimator",
                "glm",
                "--cv",
                "0",
                "--promote-if-better",
                "--approved-by",
                "approver",
                **quiet,
            )
    out = StringIO()
    call_command("evaluate_tariff", "--data", data, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_tariff_reaches_its_targets_on_the_real_portfolio(tariff_result):
    assert tariff_result["frequency_deviance"] <= 0.5910  # as quoted before: 0.5950
    assert tariff_result["claims_ratio"] == pytest.approx(1, abs=0.03)  # before: +16 %
    assert set(tariff_result["claims_ratio_by_zone"]) == {"A", "B", "C"}
    for zone, ratio in tariff_result["claims_ratio_by_zone"].items():
        assert ratio == pytest.approx(1, abs=0.06), zone
    # Measured 0.267 ± 0.026 (bootstrap): the Gini is reported, not targeted (its noise is as
    # large as the differences between variants); it must still beat frequency × one average
    # cost (0.254) by ranking risks, which a broken severity or zoning would not.
    assert tariff_result["gini"] >= 0.26
    assert 0.01 < tariff_result["gini_standard_error"] < 0.05
    assert tariff_result["warnings"] == []
