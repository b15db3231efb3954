"""Zones derived from claims: credibility-smoothed postcode relativities cut into classes.

The method of Henckaerts, Antonio, Clijsters & Verbelen (2018) on the same Belgian portfolio,
as PRICING.md spells it out:
1. a claim-frequency model without location gives each policy its expected claims E;
2. per postcode, observed claims O against E: the raw relativity R = O / E;
3. a postcode with few expected claims borrows strength from its neighbourhood (credibility
   Z = E / (E + k)): nearby postcodes weighted by a Gaussian kernel on the coordinates where the
   data or the zipcode table has them, itself blended by its credibility with the postcode
   hierarchy (same first two digits, then the province), which alone serves without coordinates;
4. Fisher–Jenks natural breaks cut the smoothed relativities into classes, A the lowest;
5. class factors Σ O / Σ E, normalised to an exposure-weighted mean of 1, with the model refitted
   with the factors as offset until they stop moving, so the tariff is balanced per class.
Postcodes absent from the data get the class their neighbourhood's relativity falls in.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jenkspy
import numpy as np
import pandas as pd

from zipcodes.models import class_codes

CREDIBILITY_K = 100.0  # expected claims that make a postcode half-credible
BANDWIDTH_KM = 5.0  # the Gaussian kernel's standard deviation
FACTOR_ROUNDS = 4  # refits of model and factors at most
FACTOR_TOLERANCE = 0.001  # stop when no factor moves by more than this (relative)
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LONG_AT_EQUATOR = 111.32

# Fits a location-free frequency model on *frame* with *offset* (zone factor per policy) and
# returns each policy's expected claims per year without the offset.
FrequencyFit = Callable[[pd.DataFrame, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class ZoningResult:
    """One row per postcode of the table (with its data, if any) and the class factors."""

    postcodes: pd.DataFrame  # code, risk_class, exposure, claims, expected, relativity, smoothed,
    #                          credibility, source ("data" or "neighbours"), long, lat
    factors: dict[str, float]
    breaks: list[float]
    rounds: int


def kernel_sums(
    targets: pd.DataFrame, sources: pd.DataFrame, *, bandwidth_km: float
) -> tuple[np.ndarray, np.ndarray]:
    """Σ w·O and Σ w·E over the *sources* (postcodes with data and coordinates) other than the
    target itself, w a Gaussian kernel of the distance to each of *targets*."""
    km_per_long = KM_PER_DEGREE_LONG_AT_EQUATOR * np.cos(np.radians(np.nanmean(sources["lat"])))
    dy = np.subtract.outer(targets["lat"].to_numpy(), sources["lat"].to_numpy()) * KM_PER_DEGREE_LAT
    dx = np.subtract.outer(targets["long"].to_numpy(), sources["long"].to_numpy()) * km_per_long
    weights = np.exp(-(dx**2 + dy**2) / (2 * bandwidth_km**2))
    # The neighbourhood leaves the postcode out: its own claims enter once, through credibility.
    weights[np.equal.outer(targets["code"].to_numpy(), sources["code"].to_numpy())] = 0.0
    return weights @ sources["claims"].to_numpy(), weights @ sources["expected"].to_numpy()


def credible(observed: Any, expected: Any, prior: Any, k: float) -> np.ndarray:
    """Observed / expected blended with *prior* by Bühlmann credibility E / (E + k); a code with
    nothing expected is its prior. Numbers or arrays."""
    observed = np.asarray(observed, dtype=float)
    expected = np.asarray(expected, dtype=float)
    ratio = np.divide(observed, expected, out=np.zeros_like(expected), where=expected > 0)
    z = expected / (expected + k)
    return z * ratio + (1 - z) * np.asarray(prior, dtype=float)


def hierarchy_relativity(
    codes: np.ndarray, stats: pd.DataFrame, provinces: dict[int, str], *, k: float
) -> np.ndarray:
    """Each code's neighbourhood by the postcode hierarchy: the other codes of its two-digit
    group, credibility-blended with its province, itself blended with the portfolio (1)."""
    frame = pd.DataFrame(
        {
            "code": codes,
            "group": codes // 100,
            "province": [provinces.get(int(code), "") for code in codes],
        }
    ).join(stats.set_index("code")[["claims", "expected"]], on="code")
    own = frame[["claims", "expected"]].fillna(0.0)
    frame[["claims", "expected"]] = own
    # The neighbourhood leaves the postcode out: its own claims enter once, by credibility.
    province = frame.groupby("province")[["claims", "expected"]].transform("sum") - own
    group = frame.groupby(["group", "province"])[["claims", "expected"]].transform("sum") - own
    province_r = credible(province["claims"], province["expected"], 1.0, k)
    return credible(group["claims"], group["expected"], province_r, k)


def postcode_stats(frame: pd.DataFrame, expected: np.ndarray) -> pd.DataFrame:
    """Exposure, observed and expected claims, and mean coordinates of each postcode in *frame*."""
    columns = {
        "exposure": frame["expo"].to_numpy(dtype=float),
        "claims": frame["nclaims"].to_numpy(dtype=float),
        "expected": expected,
    }
    for name in ("long", "lat"):
        columns[name] = frame[name].to_numpy(dtype=float) if name in frame else np.nan
    per_policy = pd.DataFrame({"code": frame["postcode"].to_numpy(dtype=int), **columns})
    return per_policy.groupby("code", as_index=False).agg(
        exposure=("exposure", "sum"),
        claims=("claims", "sum"),
        expected=("expected", "sum"),
        long=("long", "mean"),
        lat=("lat", "mean"),
    )


def smoothed_relativities(
    stats: pd.DataFrame,
    table_codes: np.ndarray,
    provinces: dict[int, str],
    *,
    coordinates: dict[int, tuple[float, float]],
    k: float,
    bandwidth_km: float,
) -> pd.DataFrame:
    """Every code of the table and of the data, with its raw and credibility-smoothed relativity.
    A code the data does not place is placed at *coordinates* (code → longitude, latitude)."""
    codes = np.union1d(table_codes, stats["code"].to_numpy())
    rows = pd.DataFrame({"code": codes}).merge(stats, on="code", how="left")
    table = pd.DataFrame(
        [coordinates.get(int(code), (np.nan, np.nan)) for code in codes], columns=["long", "lat"]
    )
    rows[["long", "lat"]] = rows[["long", "lat"]].fillna(table)
    rows[["exposure", "claims", "expected"]] = rows[["exposure", "claims", "expected"]].fillna(0.0)
    neighbourhood = hierarchy_relativity(codes, stats, provinces, k=k)
    located = rows["lat"].notna() & rows["long"].notna()
    sources = located & rows["expected"].gt(0)
    if sources.sum() > 1:
        observed, expected = kernel_sums(rows[located], rows[sources], bandwidth_km=bandwidth_km)
        # The neighbourhood is itself only as credible as the claims it expects: where few are
        # close (the countryside of a small portfolio) it leans on the postcode hierarchy.
        neighbourhood[located.to_numpy()] = credible(
            observed, expected, neighbourhood[located.to_numpy()], k
        )
    expected = rows["expected"].to_numpy()
    rows["relativity"] = np.divide(
        rows["claims"].to_numpy(), expected, out=np.full(len(rows), np.nan), where=expected > 0
    )
    rows["credibility"] = expected / (expected + k)
    rows["smoothed"] = credible(rows["claims"], expected, neighbourhood, k)
    rows["source"] = np.where(expected > 0, "data", "neighbours")
    return rows


def classes_cut(
    smoothed: np.ndarray, in_data: np.ndarray, classes: int
) -> tuple[list[str], list[float]]:
    """Fisher–Jenks breaks of the postcodes seen in the data; every postcode classed by them."""
    values = smoothed[in_data]
    distinct = np.unique(np.round(values, 6))
    if len(distinct) < classes:
        raise ValueError(
            f"{len(distinct)} distinct relativities in the data cannot make {classes} classes."
        )
    breaks = [float(b) for b in jenkspy.jenks_breaks(values.tolist(), n_classes=classes)]
    # Inner breaks: a value above break i belongs to class i + 1 (Jenks classes are closed above).
    inner = np.array(breaks[1:-1])
    index = np.searchsorted(inner, smoothed, side="left")
    codes = class_codes(classes)
    return [codes[i] for i in index], breaks


def factors_fit(
    frame: pd.DataFrame, classes: pd.Series, fit: FrequencyFit, *, first_expected: np.ndarray
) -> tuple[dict[str, float], np.ndarray, int]:
    """Class factors Σ O / Σ E with the model refitted on them as offset until they settle.

    Returns the factors (exposure-weighted mean 1), each policy's expected claims per year by
    the final model (without the factor), and the number of refits.
    """
    policy_class = classes.reindex(frame["postcode"].to_numpy()).to_numpy()
    exposure = frame["expo"].to_numpy(dtype=float)
    claims = frame["nclaims"].to_numpy(dtype=float)
    per_year = first_expected
    factors: dict[str, float] = {}
    for round_ in range(1, FACTOR_ROUNDS + 1):
        expected = exposure * per_year
        sums = pd.DataFrame({"c": policy_class, "o": claims, "e": expected, "x": exposure})
        by_class = sums.groupby("c")[["o", "e", "x"]].sum()
        raw = by_class["o"] / by_class["e"]
        mean = float((raw * by_class["x"]).sum() / by_class["x"].sum())
        new = {str(code): float(value / mean) for code, value in raw.items()}
        settled = factors and all(
            abs(new[code] / factors[code] - 1) <= FACTOR_TOLERANCE for code in new
        )
        factors = new
        offset = np.array([factors[c] for c in policy_class])
        per_year = fit(frame, offset)
        if settled:
            return factors, per_year, round_
    return factors, per_year, FACTOR_ROUNDS


def zoning_derive(
    frame: pd.DataFrame,
    *,
    fit: FrequencyFit,
    table_codes: np.ndarray,
    provinces: dict[int, str],
    coordinates: dict[int, tuple[float, float]] | None = None,
    classes: int = 3,
    k: float = CREDIBILITY_K,
    bandwidth_km: float = BANDWIDTH_KM,
) -> ZoningResult:
    """The zoning of every postcode in *table_codes* from the claims of *frame* (see module)."""
    per_year = fit(frame, np.ones(len(frame)))
    stats = postcode_stats(frame, frame["expo"].to_numpy(dtype=float) * per_year)
    rows = smoothed_relativities(
        stats,
        table_codes,
        provinces,
        coordinates=coordinates or {},
        k=k,
        bandwidth_km=bandwidth_km,
    )
    labels, breaks = classes_cut(
        rows["smoothed"].to_numpy(), rows["source"].eq("data").to_numpy(), classes
    )
    rows["risk_class"] = labels
    factors, _, rounds = factors_fit(
        frame, rows.set_index("code")["risk_class"], fit, first_expected=per_year
    )
    return ZoningResult(postcodes=rows, factors=factors, breaks=breaks, rounds=rounds)
