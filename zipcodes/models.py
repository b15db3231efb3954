"""The zipcode risk table: Belgian zipcodes and the risk class (with its price factor) of each."""

import string
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pricing_site.numbers import factor

ZIPCODE_MIN = 1000
ZIPCODE_MAX = 9999
# Belgium's bounding box with a margin: a coordinate outside it is a typing error.
LONGITUDE_MIN, LONGITUDE_MAX = 2.5, 6.5
LATITUDE_MIN, LATITUDE_MAX = 49.4, 51.6
# A zoning has from 2 to MAX_CLASSES classes, A (lowest risk) first.
MAX_CLASSES = 5


def class_codes(classes: int) -> list[str]:
    return list(string.ascii_uppercase[:classes])


class RiskClass(models.Model):
    code = models.CharField(_("class"), max_length=1, primary_key=True)
    factor = models.DecimalField(
        _("factor"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("3.00"))],
        help_text=_("Price factor applied to the premium of every zipcode in this class."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("risk class")
        verbose_name_plural = _("risk classes")

    def __str__(self) -> str:
        return f"{self.code} ({factor(self.factor)})"


class Zipcode(models.Model):
    code = models.PositiveSmallIntegerField(
        _("zipcode"),
        unique=True,
        validators=[MinValueValidator(ZIPCODE_MIN), MaxValueValidator(ZIPCODE_MAX)],
    )
    risk_class = models.ForeignKey(
        RiskClass, on_delete=models.PROTECT, related_name="zipcodes", verbose_name=_("risk class")
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    other_names = models.CharField(
        _("other names"),
        max_length=200,
        blank=True,
        help_text=_("The municipality in the other languages (Luik, Lüttich), for search."),
    )
    # Where the postcode lies (degrees, WGS 84), for maps and for zoning by neighbourhood.
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(LONGITUDE_MIN), MaxValueValidator(LONGITUDE_MAX)],
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(LATITUDE_MIN), MaxValueValidator(LATITUDE_MAX)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("zipcode")
        verbose_name_plural = _("zipcodes")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__gte=ZIPCODE_MIN, code__lte=ZIPCODE_MAX),
                name="zipcodes_zipcode_code_four_digits",
            )
        ]
        indexes = [models.Index(fields=["risk_class", "code"], name="zipcodes_class_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.municipality}".strip()
