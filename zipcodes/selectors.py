"""Reads of the zipcode table, served from the cache."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext

from pricing_site.caching import cache_get_or_load
from pricing_site.exceptions import ApplicationError, NotFoundError
from pricing_site.text import name_normalize
from zipcodes.caching import (
    RISK_CLASSES_KEY,
    RISK_CLASSES_TTL,
    ZIPCODE_TTL,
    zipcode_key,
)
from zipcodes.models import ZIPCODE_MAX, ZIPCODE_MIN, RiskClass, Zipcode


@dataclass(frozen=True)
class ZipcodeRisk:
    code: int
    risk_class: str
    factor: Decimal
    municipality: str


def zipcode_parse(*, raw: str | int) -> int:
    """A Belgian zipcode is a whole number from 1000 to 9999."""
    text = str(raw).strip()
    code = int(text) if text.isascii() and text.isdigit() else None
    if code is None or not ZIPCODE_MIN <= code <= ZIPCODE_MAX:
        raise ApplicationError(
            gettext("A Belgian zipcode is a number from %(min)s to %(max)s; got %(value)r.")
            % {"min": ZIPCODE_MIN, "max": ZIPCODE_MAX, "value": raw},
            code="invalid_zipcode",
            field="zipcode",
        )
    return code


def risk_class_factors_get() -> dict[str, Decimal]:
    """The price factor of every risk class."""
    return cache_get_or_load(
        key=RISK_CLASSES_KEY,
        entity="risk_classes",
        loader=lambda: dict(RiskClass.objects.values_list("code", "factor")),
        timeout=RISK_CLASSES_TTL,
    )


def zipcode_risk_class_get(*, code: int) -> ZipcodeRisk:
    """The risk class and price factor of a zipcode; an unknown code is cached as absent too."""
    code = zipcode_parse(raw=code)
    row = cache_get_or_load(
        key=zipcode_key(code=code),
        entity="zipcode",
        loader=lambda: (
            Zipcode.objects.filter(code=code).values_list("risk_class_id", "municipality").first()
        ),
        timeout=ZIPCODE_TTL,
    )
    if row is None:
        raise NotFoundError(
            gettext("Zipcode %(code)s is not in the risk table.") % {"code": code},
            code="zipcode_not_found",
            field="zipcode",
        )
    risk_class, municipality = row
    return ZipcodeRisk(
        code=code,
        risk_class=risk_class,
        factor=risk_class_factors_get()[risk_class],
        municipality=municipality,
    )


def zipcode_classes_get() -> dict[int, str]:
    """The risk class of every zipcode of the table (for pricing a whole portfolio at once)."""
    return dict(Zipcode.objects.values_list("code", "risk_class_id"))


def zipcode_list(*, risk_class: str | None = None) -> QuerySet[Zipcode]:
    """Zipcodes in code order, optionally of one risk class."""
    zipcodes = Zipcode.objects.select_related("risk_class").order_by("code")
    if risk_class:
        zipcodes = zipcodes.filter(risk_class_id=risk_class)
    return zipcodes


def zipcode_search(*, term: str) -> list[int]:
    """The zipcodes whose number is *term*, or whose municipality contains it in any of its
    languages (Luik, Liège, Lüttich), case and accents aside."""
    wanted = name_normalize(term)
    if not wanted:
        return []
    rows = Zipcode.objects.values_list("code", "municipality", "other_names")
    return [
        code
        for code, municipality, other_names in rows
        if wanted == str(code) or wanted in name_normalize(f"{municipality} | {other_names}")
    ]


def zipcode_provinces_get() -> dict[int, str]:
    return dict(Zipcode.objects.values_list("code", "province"))


def zipcode_coordinates_get() -> dict[int, tuple[float, float]]:
    """Longitude and latitude of every zipcode the table places."""
    rows = Zipcode.objects.values_list("code", "longitude", "latitude")
    return {code: (long, lat) for code, long, lat in rows if long is not None and lat is not None}
