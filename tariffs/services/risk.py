"""The premium's risk part, the one formula every price of the tariff goes through: the quote,
portfolio pricing (impact analyses) and the backtest of the whole tariff.

    expected claim cost = claims per year × the cost of one claim × (1 + large-claim loading)
    risk premium        = expected claim cost × the zone factor

each rounded half-up to the cent. `risk_premium` computes it in Decimal for one policy;
`risk_premiums` for many at once in integer cents. The predictions are floats: the vectorised
form computes them in floating point, and the rare policies within a millionth of a cent of a
rounding tie again with `risk_premium`'s Decimal arithmetic, so both give the same cents."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

CENT = Decimal("0.01")
# Float results closer than this to a half cent are recomputed with Decimal (float error is
# below 1e-7 cents for any premium under a million euro).
TIE_MARGIN_CENTS = 1e-6


def cents(amount: Decimal) -> Decimal:
    """Every step is rounded half-up to the cent, so the breakdown adds up as shown."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def severity_rounded(severity: float) -> Decimal:
    """The severity model's cost of one claim, to the cent."""
    return cents(Decimal(repr(severity)))


def expected_claim_cost(
    *, frequency: float, severity: Decimal, large_claim_loading: Decimal
) -> Decimal:
    """Claims per year × the cost of one claim × (1 + large-claim loading), to the cent."""
    return cents(Decimal(repr(frequency)) * severity * (1 + large_claim_loading))


def risk_premium(
    *, frequency: float, severity: Decimal, large_claim_loading: Decimal, zone_factor: Decimal
) -> tuple[Decimal, Decimal]:
    """One policy's expected claim cost and its risk premium (× the zone factor), in euro."""
    expected = expected_claim_cost(
        frequency=frequency, severity=severity, large_claim_loading=large_claim_loading
    )
    return expected, cents(expected * zone_factor)


def half_up(numerator: np.ndarray, denominator: int | np.ndarray) -> np.ndarray:
    """numerator / denominator rounded half up, exactly, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def hundredths(value: Decimal, places: int = 2) -> int:
    """A factor with *places* decimals as an exact integer (1.15 → 115)."""
    return int(value.scaleb(places).to_integral_value())


def float_cents(values: np.ndarray, exact: Callable[[int], int]) -> np.ndarray:
    """*values* (floats, in cents) rounded half up; a policy near a tie gets `exact(policy)`."""
    rounded = np.floor(values + 0.5).astype(np.int64)
    near = np.abs(values - np.floor(values) - 0.5) < TIE_MARGIN_CENTS
    for policy in np.flatnonzero(near):
        rounded[policy] = exact(int(policy))
    return rounded


@dataclass(frozen=True)
class RiskPremiums:
    """Per policy, in integer cents: the cost of one claim, the expected claim cost, and the
    risk premium (× zone factor)."""

    severity_cents: np.ndarray
    expected_cents: np.ndarray
    zoned_cents: np.ndarray


def risk_premiums(
    *,
    frequency: np.ndarray,
    severity: np.ndarray,
    large_claim_loading: Decimal,
    zone_hundredths: np.ndarray,
) -> RiskPremiums:
    """`risk_premium` for every policy at once: *frequency* and *severity* (euro) are the models'
    predictions, *zone_hundredths* each policy's zone factor × 100 (an integer)."""
    severity_in_cents = float_cents(
        severity * 100, lambda policy: int(severity_rounded(float(severity[policy])).scaleb(2))
    )
    expected = float_cents(
        frequency * severity_in_cents * float(1 + large_claim_loading),
        lambda policy: int(
            expected_claim_cost(
                frequency=float(frequency[policy]),
                severity=Decimal(int(severity_in_cents[policy])).scaleb(-2),
                large_claim_loading=large_claim_loading,
            ).scaleb(2)
        ),
    )
    return RiskPremiums(
        severity_cents=severity_in_cents,
        expected_cents=expected,
        zoned_cents=half_up(expected * zone_hundredths, 100),
    )
