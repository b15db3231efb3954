"""Offsets that the app above gives a task's model: a factor per policy that the model learns
around instead of learning it, the price being model × factor (the tariff's zone factors for
claim frequency). This app knows no zones: the tariff registers where they come from."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from mlmodels.pipelines import ZONE_FACTOR_COLUMN


@dataclass(frozen=True)
class Offset:
    """One factor per class of postcode, and the class of every postcode."""

    version: int | None  # what the factors come from (an approved zoning); None: never derived
    factors: dict[str, Decimal]
    classes: dict[int, str]

    def factor_of(self, postcodes: np.ndarray) -> np.ndarray:
        """The factor of each postcode; 1 (the portfolio average) for one not in the table."""
        by_code = {code: float(self.factors[c]) for code, c in self.classes.items()}
        return np.array([by_code.get(int(code), 1.0) for code in postcodes])


@dataclass(frozen=True)
class OffsetSource:
    """Where a task's offset comes from: the whole table (to train and score), and cheaply which
    table it is (to key what was computed with it)."""

    offset: Callable[[], Offset]
    version: Callable[[], int | None]


sources: dict[str, OffsetSource] = {}


def offset_source_register(*, task: str, source: OffsetSource) -> None:
    """Models of *task* learn around the offset *source* gives (asked when it is needed)."""
    sources[task] = source


def offset_get(*, task: str) -> Offset | None:
    """Today's offset of *task*'s models; None when nothing gives one."""
    source = sources.get(task)
    return source.offset() if source else None


def offset_version_get(*, task: str) -> int | None:
    """Which offset *task*'s models get today (the zoning it comes from), without reading it."""
    source = sources.get(task)
    return source.version() if source else None


def offset_frame(frame: pd.DataFrame, *, offset: Offset) -> pd.DataFrame:
    """*frame* with each policy's offset factor, the column the models read it from."""
    return frame.assign(**{ZONE_FACTOR_COLUMN: offset.factor_of(frame["postcode"].to_numpy())})
