"""Zones derived from claims: on a generated portfolio whose true zones are known."""

import numpy as np
import pandas as pd
import pytest

from mlmodels.synthetic import belgian_postcodes, portfolio_generate
from tariffs.services.training import frequency_fit_without_location
from tariffs.zoning import classes_cut, credible, hierarchy_relativity, zoning_derive


def true_zone(postcode: np.ndarray) -> np.ndarray:
    """Three balanced zones by first digit: 1-3 ×1.0, 4-6 ×1.35, 7-9 ×1.8."""
    return np.select([postcode < 4000, postcode < 7000], [1.0, 1.35], 1.8)


@pytest.fixture(scope="module")
def zoning():
    frame = portfolio_generate(rows=30_000, seed=3, zone_factor=true_zone)
    codes = belgian_postcodes()
    provinces = {int(code): f"province {code // 1000}" for code in codes}
    return zoning_derive(
        frame, fit=frequency_fit_without_location, table_codes=codes, provinces=provinces
    )


def test_zoning_derive_recovers_the_true_zones(zoning):
    rows = zoning.postcodes
    truth = np.select([rows["code"] < 4000, rows["code"] < 7000], ["A", "B"], "C")

    assert (rows["risk_class"] == truth).mean() >= 0.97


def test_zoning_derive_factors_follow_the_true_relativities(zoning):
    factors = zoning.factors

    assert factors["B"] / factors["A"] == pytest.approx(1.35, rel=0.1)
    assert factors["C"] / factors["A"] == pytest.approx(1.8, rel=0.1)


def test_zoning_derive_normalises_factors_to_an_average_of_one(zoning):
    rows = zoning.postcodes
    exposure = rows.groupby("risk_class")["exposure"].sum()

    average = sum(zoning.factors[c] * exposure[c] for c in exposure.index) / exposure.sum()

    assert average == pytest.approx(1.0, abs=1e-9)


def test_hierarchy_relativity_leaves_the_postcode_itself_out():
    stats = pd.DataFrame(
        {"code": [9000, 9050], "claims": [300.0, 100.0], "expected": [100.0, 100.0]}
    )
    relativity = hierarchy_relativity(
        np.array([9000, 9050, 9060]), stats, {9000: "O", 9050: "O", 9060: "O"}, k=100
    )

    # 9000's neighbourhood is 9050 alone (O/E 1), blended with the province without 9000.
    province_without_9000 = credible(100, 100, 1.0, 100)
    assert relativity[0] == pytest.approx(credible(100, 100, province_without_9000, 100))
    # 9060 has no data: its neighbourhood is the whole group (O/E 2).
    assert relativity[2] > 1.5


def test_classes_cut_orders_classes_by_relativity_and_classes_codes_without_data():
    smoothed = np.array([0.7, 0.72, 1.0, 1.02, 1.5, 1.55, 1.52])
    in_data = np.array([True, True, True, True, True, True, False])

    labels, breaks = classes_cut(smoothed, in_data, 3)

    assert labels == ["A", "A", "B", "B", "C", "C", "C"]
    assert len(breaks) == 4


def test_classes_cut_refuses_more_classes_than_distinct_relativities():
    with pytest.raises(ValueError, match="cannot make 3 classes"):
        classes_cut(np.array([1.0, 1.0, 2.0]), np.array([True, True, True]), 3)
