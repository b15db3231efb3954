"""Commercial pricing: the brand catalogue, brand/fuel rules, tariff versions, stored quotes."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from strategies.normalize import name_normalize

# Staff cannot exceed these by a typo (a "50" meant as "5.0").
ADJUSTMENT_MIN = Decimal("-30.00")
ADJUSTMENT_MAX = Decimal("30.00")


class Fuel(models.TextChoices):
    PETROL = "petrol", "Petrol (gasoline)"
    DIESEL = "diesel", "Diesel"
    HYBRID = "hybrid", "Hybrid"
    ELECTRIC = "electric", "Electric"
    LPG_CNG = "lpg_cng", "LPG / CNG"


class Brand(models.Model):
    name = models.CharField(
        max_length=60, unique=True, help_text="The canonical name, e.g. Volkswagen."
    )
    # Derived by clean() (the services call full_clean), never typed by hand.
    normalized = models.CharField(max_length=60, unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        self.normalized = name_normalize(self.name)
        clash = (
            BrandAlias.objects.filter(normalized=self.normalized).exclude(brand_id=self.pk).first()
        )
        if clash:
            raise ValidationError({"name": f"“{self.name}” is already an alias of {clash.brand}."})


class BrandAlias(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=60, help_text="Another spelling, e.g. VW.")
    normalized = models.CharField(max_length=60, unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "brand aliases"
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.brand}"

    def clean(self) -> None:
        self.normalized = name_normalize(self.alias)
        clash = Brand.objects.filter(normalized=self.normalized).exclude(pk=self.brand_id).first()
        if clash:
            raise ValidationError({"alias": f"“{self.alias}” is the name of the brand {clash}."})


class PricingRule(models.Model):
    brand = models.ForeignKey(
        Brand,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
        help_text="Leave empty for every brand.",
    )
    fuel = models.CharField(
        max_length=10, choices=Fuel.choices, blank=True, help_text="Leave empty for every fuel."
    )
    adjustment_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ADJUSTMENT_MIN), MaxValueValidator(ADJUSTMENT_MAX)],
        help_text="Premium change in percent, from -30 to +30: -8 is 8 % cheaper.",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(
        null=True, blank=True, help_text="Last day included; empty: no end."
    )
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["brand__name", "fuel", "-valid_from"]
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
        return f"#{self.pk} {self.scope}: {self.adjustment_percent:+} %"

    @property
    def scope(self) -> str:
        fuel = self.get_fuel_display() if self.fuel else "any fuel"
        return f"{self.brand or 'any brand'} + {fuel}"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "The period ends before it starts."})
        if not self.is_active or not self.valid_from:
            return
        overlapping = PricingRule.objects.filter(
            brand=self.brand, fuel=self.fuel, is_active=True
        ).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        clash = overlapping.first()
        if clash:
            until = f"until {clash.valid_to}" if clash.valid_to else "with no end"
            raise ValidationError(
                f"Another active rule for {self.scope} (rule #{clash.pk}, "
                f"{clash.adjustment_percent:+} %) already applies from {clash.valid_from} {until}. "
                "Shorten or deactivate that rule first, or choose dates that do not overlap."
            )


class TariffVersion(models.Model):
    """Tariff parameters; a change is a new version, so stored quotes keep theirs."""

    reference_base_year = models.PositiveSmallIntegerField(
        help_text="Base year of the reference health index."
    )
    reference_month = models.DateField(
        help_text="First day of the month the tariff amounts were set at."
    )
    commercial_loading = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Loading on the indexed risk premium, e.g. 0.250 for 25 %.",
    )
    policy_fee = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    minimum_premium = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    valid_from = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]

    def __str__(self) -> str:
        return f"Tariff v{self.pk} from {self.valid_from}"


class ModelledFuel(models.TextChoices):
    """The fuels the claim models learnt from (the portfolio has no other)."""

    PETROL = "petrol", "Petrol (gasoline)"
    DIESEL = "diesel", "Diesel"


class FuelMapping(models.Model):
    """A fuel the models never saw, priced as a modelled fuel; its own rule then adjusts it."""

    fuel = models.CharField(
        max_length=10,
        choices=[(f.value, f.label) for f in Fuel if f.value not in ModelledFuel.values],
        unique=True,
    )
    priced_as = models.CharField(max_length=10, choices=ModelledFuel.choices)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["fuel"]

    def __str__(self) -> str:
        return f"{self.get_fuel_display()} → priced as {self.get_priced_as_display()}"


class Quote(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    quote_date = models.DateField()
    inputs = models.JSONField()
    premium = models.DecimalField(max_digits=10, decimal_places=2)
    breakdown = models.JSONField()
    model_version = models.ForeignKey(
        "mlmodels.ModelVersion", on_delete=models.PROTECT, related_name="+"
    )
    frequency = models.FloatField()
    severity_model_version = models.ForeignKey(
        "mlmodels.ModelVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    severity = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, help_text="Expected cost per claim."
    )
    large_claim_loading = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    priced_as_fuel = models.CharField(max_length=10, blank=True)
    pricing_rule = models.ForeignKey(
        PricingRule, null=True, on_delete=models.PROTECT, related_name="+"
    )
    adjustment_percent = models.DecimalField(max_digits=5, decimal_places=2)
    risk_class = models.CharField(max_length=1)
    zone_factor = models.DecimalField(max_digits=4, decimal_places=2)
    index_base_year = models.PositiveSmallIntegerField()
    index_month = models.DateField()
    tariff = models.ForeignKey(TariffVersion, on_delete=models.PROTECT, related_name="quotes")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A client retrying a POST with the same Idempotency-Key gets this quote, not a second one.
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="strategies_quote_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"Quote {self.pk}: € {self.premium}"
