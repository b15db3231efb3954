"""Template filters of pricing_site.numbers: `{{ amount|euros }}`, `{{ change|percent }}`,
`{{ value|factor }}`, `{{ score|decimals:5 }}`; an empty value shows as "-"."""

from typing import Any

from django import template

from pricing_site import numbers

register = template.Library()

EMPTY = "-"


@register.filter
def euros(value: Any) -> str:
    return EMPTY if value in (None, "") else numbers.euros(value)


@register.filter
def percent(value: Any, decimals: int = 2) -> str:
    return EMPTY if value in (None, "") else numbers.percent(value, int(decimals))


@register.filter
def signed_percent(value: Any, decimals: int = 2) -> str:
    return EMPTY if value in (None, "") else numbers.percent(value, int(decimals), signed=True)


@register.filter
def factor(value: Any, decimals: int = 2) -> str:
    return EMPTY if value in (None, "") else numbers.factor(value, int(decimals))


@register.filter
def decimals(value: Any, places: int) -> str:
    return EMPTY if value in (None, "") else numbers.decimal_shown(value, int(places))
