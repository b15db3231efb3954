"""Zones derived from claims: on a generated portfolio whose true zones are known."""

import numpy as np
import pandas as pd
import pytest

from mlmodels.synthetic import belgian_postcodes, portfolio_generate, postcode_geography
from tariffs.services.training import frequency_fit_without_location
from tariffs.zoning import (
    classes_cut,
    credible,
    hierarchy_relativity,
    smoothed_relativities,
    zoning_derive,
)

# Three bands of latitude: the south ×1.0, the centre ×1.35, the north ×1.8.
BANDS = [50.5, 50.95]


def true_class(postcode: np.ndarray) -> np.ndarray:
    latitude = postcode_geography()["latitude"].reindex(postcode).to_numpy()
    return np.array(["A", "B", "C"])[np.searchsorted(BANDS, latitude)]


def true_zone(postcode: np.ndarray) -> np.ndarray:
    return pd.Series(true_class(postcode)).map({"A": 1.0, "B": 1.35, "C": 1.8}).to_numpy()


@pytest.fixture(scope="module")
def zoning():
    frame = portfolio_generate(rows=100_000, seed=3, zone_factor=true_zone)
    codes = belgian_postcodes()
    provinces = {int(code): f"province {code // 1000}" for code in codes}
    return zoning_derive(
        frame, fit=frequency_fit_without_location, table_codes=codes, provinces=provinces
    )


def test_zoning_derive_recovers_the_true_zones(zoning):
    rows = zoning.postcodes

    assert (rows["risk_class"] == true_class(rows["code"].to_numpy())).mean() >= 0.9


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


def test_smoothed_relativities_place_a_code_without_data_by_the_table_among_its_neighbours():
    # 9000 and 9050 (Ghent, O/E 2, claims enough to be credible) lie 3 km apart; 8400 (Ostend,
    # O/E 0.5) 60 km west; 9030 has no policy in the data, the table puts it in Ghent.
    stats = pd.DataFrame(
        {
            "code": [9000, 9050, 8400],
            "exposure": [10_000.0, 10_000.0, 10_000.0],
            "claims": [4000.0, 4000.0, 1000.0],
            "expected": [2000.0, 2000.0, 2000.0],
            "long": [3.72, 3.75, 2.91],
            "lat": [51.05, 51.03, 51.22],
        }
    )
    rows = smoothed_relativities(
        stats,
        np.array([9000, 9030, 9050, 8400]),
        {9000: "O", 9030: "O", 9050: "O", 8400: "W"},
        coordinates={9030: (3.70, 51.08)},
        k=100,
        bandwidth_km=5,
    ).set_index("code")

    assert rows.loc[9030, ["long", "lat"]].tolist() == [3.70, 51.08]
    assert rows.loc[9030, "source"] == "neighbours"
    assert rows.loc[9030, "smoothed"] == pytest.approx(2.0, rel=0.05)


def test_smoothed_relativities_lean_on_the_hierarchy_where_few_claims_are_near():
    # Two villages 3 km apart, one claim where 0.1 was expected: the kernel alone would say 10.
    stats = pd.DataFrame(
        {
            "code": [6600, 6640],
            "exposure": [1.0, 1.0],
            "claims": [1.0, 0.0],
            "expected": [0.1, 0.1],
            "long": [5.72, 5.75],
            "lat": [50.00, 50.01],
        }
    )
    rows = smoothed_relativities(
        stats,
        np.array([6600, 6640]),
        {6600: "Lux", 6640: "Lux"},
        coordinates={},
        k=100,
        bandwidth_km=5,
    ).set_index("code")

    assert rows.loc[6640, "smoothed"] < 1.05
