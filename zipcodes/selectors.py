"""Reads of the zipcode table, served from the cache."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext

from pricing_site.caching import cache_get_or_load
from pricing_site.exceptions import ApplicationError, NotFoundError
from zipcodes.caching import (
    RISK_CLASSES_KEY,
    RISK_CLASSES_TTL,
    ZIPCODE_TTL,
    zipcode_key,
)
from zipcodes.models import ZIPCODE_MAX, ZIPCODE_MIN, RiskClass, Zipcode, ZoningProposal


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


def zoning_proposal_class_factors(*, proposal: ZoningProposal) -> dict[str, Decimal]:
    """The factor each class gets when *proposal* is approved (to the hundredth, half up)."""
    return {
        code: Decimal(str(factor)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for code, factor in proposal.factors.items()
    }


def zipcode_classes_get() -> dict[int, str]:
    """The risk class of every zipcode of the table (for pricing a whole portfolio at once)."""
    return dict(Zipcode.objects.values_list("code", "risk_class_id"))


def zipcode_list(*, risk_class: str | None = None) -> QuerySet[Zipcode]:
    """Zipcodes in code order, optionally of one risk class."""
    zipcodes = Zipcode.objects.select_related("risk_class").order_by("code")
    if risk_class:
        zipcodes = zipcodes.filter(risk_class_id=risk_class)
    return zipcodes


@dataclass(frozen=True)
class ZoneTable:
    """Today's zoning as a whole: the class of every zipcode and the factor of every class."""

    version: int | None  # the approved zoning proposal it comes from; None: never derived
    factors: dict[str, Decimal]
    classes: dict[int, str]

    def factor_of(self, postcodes: np.ndarray) -> np.ndarray:
        """The zone factor of each postcode; 1 (the portfolio average) for one not in the table."""
        by_code = {code: float(self.factors[c]) for code, c in self.classes.items()}
        return np.array([by_code.get(int(code), 1.0) for code in postcodes])


def zoning_version_current() -> int | None:
    """The id of the last approved zoning proposal, the version of today's zone table."""
    return (
        ZoningProposal.objects.filter(state=ZoningProposal.State.APPROVED)
        .order_by("-approved_at")
        .values_list("pk", flat=True)
        .first()
    )


def zone_table_get() -> ZoneTable:
    """The whole zone table from the database (for training and evaluation, never per quote)."""
    return ZoneTable(
        version=zoning_version_current(),
        factors=dict(RiskClass.objects.values_list("code", "factor")),
        classes=dict(Zipcode.objects.values_list("code", "risk_class_id")),
    )


def zipcode_provinces_get() -> dict[int, str]:
    return dict(Zipcode.objects.values_list("code", "province"))
