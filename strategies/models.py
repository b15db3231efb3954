"""Commercial pricing: the brand catalogue, brand/fuel rules, tariff versions, stored quotes."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pricing_site.numbers import percent
from pricing_site.text import name_normalize

# Staff cannot exceed these by a typo (a "50" meant as "5.0").
ADJUSTMENT_MIN = Decimal("-30.00")
ADJUSTMENT_MAX = Decimal("30.00")


class DraftState(models.TextChoices):
    """Rules and tariff versions: a draft serves impact analyses only, until it is approved."""

    DRAFT = "draft", _("Draft: simulated, not used by quotes")
    APPROVED = "approved", _("Approved")


def draft_state_field() -> models.CharField:
    # Whatever creates a row without saying otherwise (a form above all) makes a draft: only an
    # approval, or an operator's tables file of prices in force, makes it approved.
    return models.CharField(
        _("state"),
        max_length=10,
        choices=DraftState.choices,
        default=DraftState.DRAFT,
        help_text=_("A draft is only used by impact analyses, until it is approved."),
    )


class Fuel(models.TextChoices):
    PETROL = "petrol", _("Petrol (gasoline)")
    DIESEL = "diesel", _("Diesel")
    HYBRID = "hybrid", _("Hybrid")
    ELECTRIC = "electric", _("Electric")
    LPG_CNG = "lpg_cng", _("LPG / CNG")


class Brand(models.Model):
    name = models.CharField(
        _("name"), max_length=60, unique=True, help_text=_("The canonical name, e.g. Volkswagen.")
    )
    # Derived by clean() (the services call full_clean), never typed by hand.
    normalized = models.CharField(max_length=60, unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        self.normalized = name_normalize(self.name)
        clash = (
            BrandAlias.objects.filter(normalized=self.normalized).exclude(brand_id=self.pk).first()
        )
        if clash:
            raise ValidationError(
                {
                    "name": _("“%(name)s” is already an alias of %(brand)s.")
                    % {"name": self.name, "brand": clash.brand}
                }
            )


class BrandAlias(models.Model):
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("brand")
    )
    alias = models.CharField(_("alias"), max_length=60, help_text=_("Another spelling, e.g. VW."))
    normalized = models.CharField(max_length=60, unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("brand alias")
        verbose_name_plural = _("brand aliases")
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.brand}"

    def clean(self) -> None:
        self.normalized = name_normalize(self.alias)
        clash = Brand.objects.filter(normalized=self.normalized).exclude(pk=self.brand_id).first()
        if clash:
            raise ValidationError(
                {
                    "alias": _("“%(alias)s” is the name of the brand %(brand)s.")
                    % {"alias": self.alias, "brand": clash}
                }
            )


class PricingRule(models.Model):
    brand = models.ForeignKey(
        Brand,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
        verbose_name=_("brand"),
        help_text=_("Leave empty for every brand."),
    )
    fuel = models.CharField(
        _("fuel"),
        max_length=10,
        choices=Fuel.choices,
        blank=True,
        help_text=_("Leave empty for every fuel."),
    )
    adjustment_percent = models.DecimalField(
        _("adjustment (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ADJUSTMENT_MIN), MaxValueValidator(ADJUSTMENT_MAX)],
        help_text=_("Premium change in percent, from -30 to +30 (-8: cheaper by 8 %)."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day included; empty: no end.")
    )
    state = draft_state_field()
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Ending an approved rule takes a price out of force: one person proposes its last day,
    # another approves it (see pricing_rule_end_propose and pricing_rule_end_approve).
    end_proposed_on = models.DateField(
        _("proposed last day"),
        null=True,
        blank=True,
        help_text=_("Proposed end of this approved rule, waiting for a second person."),
    )
    end_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("end proposed by"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["brand__name", "fuel", "-valid_from"]
        verbose_name = _("pricing rule")
        verbose_name_plural = _("pricing rules")
        permissions = [("approve_pricingrule", "Can approve a draft pricing rule")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    adjustment_percent__gte=ADJUSTMENT_MIN, adjustment_percent__lte=ADJUSTMENT_MAX
                ),
                name="strategies_rule_adjustment_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="strategies_rule_period_not_reversed",
            ),
            # Overlapping active periods for the same brand and fuel are refused by an exclusion
            # constraint added on PostgreSQL in migration 0002 (SQLite, for laptops, has none).
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.scope}: {percent(self.adjustment_percent, signed=True)}"

    @property
    def scope(self) -> str:
        brand = self.brand or _("any brand")
        fuel = self.get_fuel_display() if self.fuel else _("any fuel")
        return f"{brand} + {fuel}"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The period ends before it starts.")})
        if not self.is_active or not self.valid_from or self.state != DraftState.APPROVED:
            return  # a draft may overlap the rule it would replace
        overlapping = PricingRule.objects.filter(
            brand=self.brand, fuel=self.fuel, is_active=True, state=DraftState.APPROVED
        ).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        clash = overlapping.first()
        if clash:
            period = {
                "scope": self.scope,
                "rule": clash.pk,
                "percent": percent(clash.adjustment_percent, signed=True),
                "start": date_format(clash.valid_from, "SHORT_DATE_FORMAT"),
            }
            if clash.valid_to:
                applies = _("already applies from %(start)s until %(end)s.") % {
                    **period,
                    "end": date_format(clash.valid_to, "SHORT_DATE_FORMAT"),
                }
            else:
                applies = _("already applies from %(start)s with no end.") % period
            message = _(
                "Another active rule for %(scope)s (rule #%(rule)s, %(percent)s) %(applies)s "
                "Shorten or deactivate that rule first, or choose dates that do not overlap."
            ) % {**period, "applies": applies}
            raise ValidationError(message)


class ModelledFuel(models.TextChoices):
    """The fuels the claim models learnt from (the portfolio has no other)."""

    PETROL = "petrol", _("Petrol (gasoline)")
    DIESEL = "diesel", _("Diesel")


class FuelMapping(models.Model):
    """A fuel the models never saw, priced as a modelled fuel; its own rule then adjusts it."""

    fuel = models.CharField(
        _("fuel"),
        max_length=10,
        choices=[(f.value, f.label) for f in Fuel if f.value not in ModelledFuel.values],
        unique=True,
    )
    priced_as = models.CharField(_("priced as"), max_length=10, choices=ModelledFuel.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["fuel"]
        verbose_name = _("fuel mapping")
        verbose_name_plural = _("fuel mappings")

    def __str__(self) -> str:
        return _("%(fuel)s → priced as %(priced_as)s") % {
            "fuel": self.get_fuel_display(),
            "priced_as": self.get_priced_as_display(),
        }
