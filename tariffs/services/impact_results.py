"""What an impact analysis reports, from the premiums before and after of the priced policies:
totals, the distribution of changes, totals by group, the loss ratio, and the CSV per policy."""

import io
import itertools
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext
from matplotlib.figure import Figure

from mlmodels.services.evaluation import png
from pricing_site.numbers import percent

MOVED_THRESHOLDS = (5, 10, 25)
# Buckets of the per-policy change, in %: (-inf, -25), [-25, -10), ... [25, inf).
HISTOGRAM_EDGES = (-25, -10, -5, -2, 0, 2, 5, 10, 25)
AGE_BANDS = ((17, 24), (25, 34), (35, 49), (50, 64), (65, 100))
BONUS_MALUS_BANDS = ((0, 0), (1, 4), (5, 9), (10, 14), (15, 22))


def cents_as_euros(cents: float | int) -> str:
    return str((Decimal(int(cents)) / 100).quantize(Decimal("0.01")))


def change_percent(after: float, before: float) -> float:
    return round((after / before - 1) * 100, 2) if before else 0.0


def band_labels(values: pd.Series, bands: tuple[tuple[int, int], ...]) -> pd.Series:
    """Each value's band ("1-4"), ordered as the bands are, not as text (5-9 before 10-14)."""
    names = [f"{low}" if low == high else f"{low}-{high}" for low, high in bands]
    labels = pd.Series("", index=values.index)
    for (low, high), name in zip(bands, names, strict=True):
        labels[(values >= low) & (values <= high)] = name
    return pd.Series(pd.Categorical(labels, categories=[*names, ""]), index=values.index)


def totals_by(groups: pd.Series, before: np.ndarray, after: np.ndarray) -> list[dict[str, Any]]:
    # `.array` keeps a band's order (a categorical); `.to_numpy()` would sort it as text.
    table = pd.DataFrame({"group": groups.array, "before": before, "after": after})
    rows = []
    for group, part in table.groupby("group", sort=True, observed=True):
        total_before, total_after = float(part["before"].sum()), float(part["after"].sum())
        rows.append(
            {
                "value": str(group) or "-",
                "policies": len(part),
                "before": cents_as_euros(total_before),
                "after": cents_as_euros(total_after),
                "change_percent": change_percent(total_after, total_before),
            }
        )
    return rows


def histogram_labels() -> list[str]:
    """The buckets of the per-policy change as staff read them, in their language."""
    edges = [percent(edge, 0) for edge in HISTOGRAM_EDGES]
    return [
        f"< {edges[0]}",
        *(
            gettext("%(low)s to %(high)s") % {"low": low, "high": high}
            for low, high in itertools.pairwise(edges)
        ),
        f"≥ {edges[-1]}",
    ]


def histogram_png(buckets: list[dict[str, Any]]) -> str:
    """The distribution of per-policy changes as a bar chart in the active language (base64 PNG
    for the admin; drawn when shown, so that each reader gets it in theirs)."""
    figure = Figure(figsize=(8, 3), layout="constrained")
    axes = figure.subplots()
    axes.bar(histogram_labels(), [bucket["policies"] for bucket in buckets])
    axes.set_ylabel(gettext("policies"))
    axes.set_xlabel(gettext("premium change"))
    axes.tick_params(axis="x", labelrotation=30, labelsize=8)
    return png(figure)


def histogram(change: np.ndarray) -> list[dict[str, Any]]:
    edges = HISTOGRAM_EDGES
    labels = [f"< {edges[0]} %"]
    labels += [f"{low} to {high} %" for low, high in itertools.pairwise(edges)]
    labels += [f">= {edges[-1]} %"]
    counts = np.bincount(np.digitize(change, edges), minlength=len(labels))
    return [
        {"bucket": label, "policies": int(count)}
        for label, count in zip(labels, counts, strict=True)
    ]


def premium_change(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Each policy's change in %, from premiums in cents (0 for a policy priced 0 before)."""
    return np.where(before > 0, (after / np.maximum(before, 1) - 1) * 100, 0.0)


def brands_of(policies: pd.DataFrame) -> pd.Series:
    """Each policy's brand; empty when the portfolio has no brand column."""
    if "brand" in policies:
        return policies["brand"].fillna("")
    return pd.Series("", index=policies.index)


def premiums_compared(
    policies: pd.DataFrame, *, zone: pd.Series, before: np.ndarray, after: np.ndarray
) -> dict[str, Any]:
    """The analysis's result for the priced *policies*, premiums in cents before and after."""
    change = premium_change(before, after)
    result: dict[str, Any] = {
        "total_before": cents_as_euros(before.sum()),
        "total_after": cents_as_euros(after.sum()),
        "change": cents_as_euros(after.sum() - before.sum()),
        "change_percent": change_percent(float(after.sum()), float(before.sum())),
        "histogram": histogram(change),
        "moved_more_than": {
            str(threshold): int((np.abs(change) > threshold).sum())
            for threshold in MOVED_THRESHOLDS
        },
        "by": {
            "zone": totals_by(zone, before, after),
            "fuel": totals_by(policies["fuel"], before, after),
            "brand": totals_by(brands_of(policies), before, after),
            "coverage": totals_by(policies["coverage"], before, after),
            "age_band": totals_by(band_labels(policies["ageph"], AGE_BANDS), before, after),
            "bonus_malus_band": totals_by(
                band_labels(policies["bm"], BONUS_MALUS_BANDS), before, after
            ),
        },
        "loss_ratio": None,
    }
    if "amount" in policies and "expo" in policies:
        claims = float(policies["amount"].sum())
        exposure = policies["expo"].to_numpy()
        result["loss_ratio"] = {
            "before": round(claims / float((before / 100 * exposure).sum()), 4),
            "after": round(claims / float((after / 100 * exposure).sum()), 4),
        }
    return result


def per_policy_csv(
    policies: pd.DataFrame, *, rows: np.ndarray, before: np.ndarray, after: np.ndarray
) -> bytes:
    """One line per priced policy, named by its line in the portfolio file."""
    per_policy = pd.DataFrame(
        {
            "line": rows + 2,  # the header is line 1
            "postcode": policies["postcode"].to_numpy(),
            "fuel": policies["fuel"].to_numpy(),
            "brand": brands_of(policies).to_numpy(),
            "premium_before": before / 100,
            "premium_after": after / 100,
            "change_percent": np.round(premium_change(before, after), 2),
        }
    )
    buffer = io.StringIO()
    per_policy.to_csv(buffer, index=False, float_format="%.2f")
    return buffer.getvalue().encode()
