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

from strategies.normalize import name_normalize

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
        return f"#{self.pk} {self.scope}: {self.adjustment_percent:+} %"

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
                "percent": f"{clash.adjustment_percent:+}",
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
                "Another active rule for %(scope)s (rule #%(rule)s, %(percent)s %%) %(applies)s "
                "Shorten or deactivate that rule first, or choose dates that do not overlap."
            ) % {**period, "applies": applies}
            raise ValidationError(message)


class TariffVersion(models.Model):
    """Tariff parameters; a change is a new version, so stored quotes keep theirs."""

    reference_base_year = models.PositiveSmallIntegerField(
        _("reference base year"), help_text=_("Base year of the reference health index.")
    )
    reference_month = models.DateField(
        _("reference month"),
        help_text=_("First day of the month the tariff amounts were set at."),
    )
    commercial_loading = models.DecimalField(
        _("commercial loading"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Loading on the indexed risk premium, e.g. 0.250 for 25 %."),
    )
    policy_fee = models.DecimalField(
        _("policy fee (EUR)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    minimum_premium = models.DecimalField(
        _("minimum premium (EUR)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    valid_from = models.DateField(_("valid from"))
    state = draft_state_field()
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("tariff version")
        verbose_name_plural = _("tariff versions")

    def __str__(self) -> str:
        return _("Tariff v%(id)s from %(date)s") % {
            "id": self.pk,
            "date": date_format(self.valid_from, "SHORT_DATE_FORMAT"),
        }


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


class Quote(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    quote_date = models.DateField(_("quote date"))
    inputs = models.JSONField(_("inputs"))
    premium = models.DecimalField(_("premium"), max_digits=10, decimal_places=2)
    breakdown = models.JSONField(_("breakdown"))
    model_version = models.ForeignKey(
        "mlmodels.ModelVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("frequency model version"),
    )
    frequency = models.FloatField(_("frequency"))
    severity_model_version = models.ForeignKey(
        "mlmodels.ModelVersion",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("severity model version"),
    )
    severity = models.DecimalField(
        _("severity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        help_text=_("Expected cost per claim."),
    )
    large_claim_loading = models.DecimalField(
        _("large-claim loading"), max_digits=6, decimal_places=4, null=True
    )
    priced_as_fuel = models.CharField(_("priced as fuel"), max_length=10, blank=True)
    pricing_rule = models.ForeignKey(
        PricingRule,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pricing rule"),
    )
    adjustment_percent = models.DecimalField(_("adjustment (%)"), max_digits=5, decimal_places=2)
    risk_class = models.CharField(_("risk class"), max_length=1)
    zone_factor = models.DecimalField(_("zone factor"), max_digits=4, decimal_places=2)
    index_base_year = models.PositiveSmallIntegerField(_("index base year"))
    index_month = models.DateField(_("index month"))
    tariff = models.ForeignKey(
        TariffVersion, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("tariff")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # A client retrying a POST with the same Idempotency-Key gets this quote, not a second one.
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="strategies_quote_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return _("Quote %(id)s: € %(premium)s") % {"id": self.pk, "premium": self.premium}


class ImpactAnalysis(models.Model):
    """What a scenario (draft rules, a zoning proposal, candidate models, a tariff version, an
    index month) does to the premiums of a portfolio, against today's tables."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    dataset = models.ForeignKey(
        "mlmodels.Dataset",
        on_delete=models.PROTECT,
        related_name="impact_analyses",
        verbose_name=_("portfolio"),
    )
    on = models.DateField(_("pricing date"))
    scenario = models.JSONField(_("scenario"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    chunks = models.PositiveSmallIntegerField(_("chunks"), default=1)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    policies_csv = models.FileField(_("per policy (CSV)"), upload_to="impact/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("impact analysis")
        verbose_name_plural = _("impact analyses")

    def __str__(self) -> str:
        return _("Impact analysis %(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_display(),
        }
