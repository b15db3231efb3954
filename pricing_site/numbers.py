"""Numbers as staff read them, in the page's language (Belgian in Dutch and French): amounts
`€ 1.234,56`, percentages `2,5 %`, factors `× 0,81`, scores with a fixed number of decimals.
A non-breaking space ties each to its sign, so an amount never wraps onto two lines."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

NBSP = "\u00a0"
Number = Decimal | float | int | str


def decimal_shown(value: Number, decimals: int) -> str:
    """*value* rounded half-up to *decimals* decimals, with the language's separators
    (1.234,5678); Django's `number_format` alone would cut the digits instead of rounding."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=decimals, force_grouping=True)


def euros(amount: Number) -> str:
    """`€ 1.234,56` in Dutch and French (`€ 1,234.56` in English)."""
    return f"€{NBSP}{decimal_shown(amount, 2)}"


def percent(value: Number, decimals: int = 2, *, signed: bool = False) -> str:
    """`2,50 %`; with *signed*, `+2,50 %` (a change or an adjustment)."""
    sign = "+" if signed and Decimal(str(value)) > 0 else ""
    return f"{sign}{decimal_shown(value, decimals)}{NBSP}%"


def factor(value: Number, decimals: int = 2) -> str:
    """`× 0,81`: a multiplier."""
    return f"×{NBSP}{decimal_shown(value, decimals)}"
