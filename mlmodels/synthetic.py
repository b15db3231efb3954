"""Synthetic portfolios in the MTPL layout, with a known claim frequency structure.

Frequency per year of exposure = 0.10
  × 1.8 if the policyholder is under 25, × 1.2 if 25-29, × 0.9 from 60
  × exp(0.05 × bonus-malus level)
  × 1.15 for diesel
  × 1.10 for professional use
  × 1.2 above 100 kW
  × 0.9 in a fleet
  × the postcode's urbanity: 0.7 + 0.6 × min(n, 40) / 40, n the other postal codes within 10 km
    (central Brussels 1.3, Liège 1.18, Antwerp and Ghent 1.06, the Ardennes 0.75), about 1 on
    average over the policies.
Claims are Poisson(frequency × exposure); each claim costs Gamma(shape 2) with mean
1,500 euro × 1.15 for TPL+ × 1.3 for TPL++ × 1.2 above 100 kW (the true severity).
Postcodes are the real Belgian postal codes (`fixtures/zipcodes.csv`), drawn in proportion to
1 + n, so that towns hold more policies than villages, each policy at its postcode's coordinates
(`long`, `lat`, as in the real portfolio).
`sex` is drawn at random and has no effect: it must never be a rating factor.
"""

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
from django.conf import settings

BASE_FREQUENCY = 0.10
MEAN_CLAIM_COST = 1500.0
COVERAGE_SEVERITY = {"TPL": 1.0, "TPL+": 1.15, "TPL++": 1.3}
URBAN_RADIUS_KM = 10.0
URBAN_SATURATION = 40  # neighbours beyond which a place is not more urban
URBAN_FLOOR = 0.7  # the factor of a place alone
URBAN_EFFECT = 0.6  # what the densest places add to it
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LONG = 111.32 * np.cos(np.radians(50.6))  # at Belgium's mean latitude


@cache
def postcode_geography() -> pd.DataFrame:
    """The fixture's postal codes with their coordinates and urbanity (other codes within
    URBAN_RADIUS_KM), indexed by code."""
    table = pd.read_csv(
        settings.BASE_DIR / "fixtures" / "zipcodes.csv",
        usecols=["zipcode", "longitude", "latitude"],
        index_col="zipcode",
    )
    dx = np.subtract.outer(table["longitude"].to_numpy(), table["longitude"].to_numpy())
    dy = np.subtract.outer(table["latitude"].to_numpy(), table["latitude"].to_numpy())
    distance = np.hypot(dx * KM_PER_DEGREE_LONG, dy * KM_PER_DEGREE_LAT)
    table["urbanity"] = (distance < URBAN_RADIUS_KM).sum(axis=1) - 1
    return table


def belgian_postcodes() -> np.ndarray:
    return postcode_geography().index.to_numpy()


def true_severity(frame: pd.DataFrame) -> np.ndarray:
    """The documented mean cost of one claim of each row."""
    return (
        MEAN_CLAIM_COST
        * frame["coverage"].map(COVERAGE_SEVERITY).to_numpy()
        * np.where(frame["power"].to_numpy() > 100, 1.2, 1.0)
    )


def postcode_factor(postcode: np.ndarray) -> np.ndarray:
    urbanity = postcode_geography()["urbanity"].reindex(postcode).fillna(0).to_numpy()
    return URBAN_FLOOR + URBAN_EFFECT * np.minimum(urbanity, URBAN_SATURATION) / URBAN_SATURATION


ZoneFactor = Callable[[np.ndarray], np.ndarray]


def true_frequency(frame: pd.DataFrame, zone_factor: ZoneFactor = postcode_factor) -> np.ndarray:
    """The documented frequency per year of each row (what a perfect model would predict)."""
    age = frame["ageph"].to_numpy()
    age_factor = np.select([age < 25, age < 30, age >= 60], [1.8, 1.2, 0.9], 1.0)
    return (
        BASE_FREQUENCY
        * age_factor
        * np.exp(0.05 * frame["bm"].to_numpy())
        * np.where(frame["fuel"].to_numpy() == "diesel", 1.15, 1.0)
        * np.where(frame["use"].to_numpy() == "work", 1.10, 1.0)
        * np.where(frame["power"].to_numpy() > 100, 1.2, 1.0)
        * np.where(frame["fleet"].to_numpy() == 1, 0.9, 1.0)
        * zone_factor(frame["postcode"].to_numpy())
    )


def portfolio_generate(
    *, rows: int, seed: int, zone_factor: ZoneFactor = postcode_factor
) -> pd.DataFrame:
    """*rows* policies drawn with *seed*; *zone_factor* gives the true effect of the postcode."""
    random = np.random.default_rng(seed)
    geography = postcode_geography()
    weights = 1.0 + geography["urbanity"].to_numpy()
    frame = pd.DataFrame(
        {
            "id": np.arange(1, rows + 1),
            "expo": np.round(
                np.where(random.random(rows) < 0.75, 1.0, random.uniform(0.05, 1.0, rows)), 6
            ),
            "coverage": random.choice(["TPL", "TPL+", "TPL++"], rows, p=[0.58, 0.29, 0.13]),
            "ageph": np.clip(random.normal(47, 15, rows).round(), 18, 95).astype(int),
            "sex": random.choice(["female", "male"], rows, p=[0.26, 0.74]),
            "bm": np.clip(random.geometric(0.25, rows) - 1, 0, 22),
            "power": np.clip(random.lognormal(4.1, 0.35, rows).round(), 10, 243).astype(int),
            "agec": np.clip(random.poisson(7, rows), 0, 48),
            "fuel": random.choice(["gasoline", "diesel"], rows, p=[0.69, 0.31]),
            "use": random.choice(["private", "work"], rows, p=[0.95, 0.05]),
            "fleet": (random.random(rows) < 0.03).astype(int),
            "postcode": random.choice(geography.index, rows, p=weights / weights.sum()),
        }
    )
    located = geography.reindex(frame["postcode"])
    frame["long"] = located["longitude"].to_numpy()
    frame["lat"] = located["latitude"].to_numpy()
    nclaims = np.minimum(
        random.poisson(true_frequency(frame, zone_factor) * frame["expo"].to_numpy()), 5
    )
    amount = np.array(
        [
            random.gamma(2.0, mean / 2, n).sum()
            for n, mean in zip(nclaims, true_severity(frame), strict=True)
        ]
    )
    frame.insert(2, "nclaims", nclaims)
    frame.insert(3, "amount", amount.round(2))
    return frame
