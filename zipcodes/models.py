"""The zipcode risk table: Belgian zipcodes and the risk class (with its price factor) of each."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

ZIPCODE_MIN = 1000
ZIPCODE_MAX = 9999


class RiskClass(models.Model):
    code = models.CharField(max_length=1, primary_key=True)
    factor = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("3.00"))],
        help_text="Price factor applied to the premium of every zipcode in this class.",
    )
    description = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "risk classes"

    def __str__(self) -> str:
        return f"{self.code} (x {self.factor})"


class Zipcode(models.Model):
    code = models.PositiveSmallIntegerField(
        unique=True,
        validators=[MinValueValidator(ZIPCODE_MIN), MaxValueValidator(ZIPCODE_MAX)],
    )
    risk_class = models.ForeignKey(RiskClass, on_delete=models.PROTECT, related_name="zipcodes")
    municipality = models.CharField(max_length=100, blank=True)
    province = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__gte=ZIPCODE_MIN, code__lte=ZIPCODE_MAX),
                name="zipcodes_zipcode_code_four_digits",
            )
        ]
        indexes = [models.Index(fields=["risk_class", "code"], name="zipcodes_class_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.municipality}".strip()


class ZoningProposal(models.Model):
    """Zones derived from a portfolio's claims; a draft changes nothing until staff approve it."""

    class State(models.TextChoices):
        QUEUED = "queued", "Being computed"
        DRAFT = "draft", "Draft, to review"
        APPROVED = "approved", "Approved and applied"
        FAILED = "failed", "Failed"

    dataset = models.ForeignKey(
        "mlmodels.Dataset", on_delete=models.PROTECT, related_name="zoning_proposals"
    )
    classes = models.PositiveSmallIntegerField(default=3)
    credibility_k = models.FloatField(
        default=100.0, help_text="Expected claims that make a postcode half-credible."
    )
    bandwidth_km = models.FloatField(default=5.0, help_text="Neighbourhood kernel width in km.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True)
    factors = models.JSONField(default=dict, blank=True)
    breaks = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    map_png = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("approve_zoningproposal", "Can approve a zoning proposal")]

    def __str__(self) -> str:
        return f"Zoning proposal {self.pk} ({self.get_state_display()})"


class ZoningProposalZipcode(models.Model):
    """One postcode of a proposal: its claims experience and the class proposed for it."""

    class Source(models.TextChoices):
        DATA = "data", "Its own claims, smoothed with its neighbours"
        NEIGHBOURS = "neighbours", "Not in the data: the class of its neighbourhood"

    proposal = models.ForeignKey(ZoningProposal, on_delete=models.CASCADE, related_name="zipcodes")
    code = models.PositiveSmallIntegerField()
    current_class = models.CharField(max_length=1, blank=True)
    proposed_class = models.CharField(max_length=1)
    exposure = models.FloatField()
    claims = models.FloatField()
    expected = models.FloatField()
    relativity = models.FloatField(null=True)
    smoothed = models.FloatField()
    credibility = models.FloatField()
    source = models.CharField(max_length=16, choices=Source.choices)
    longitude = models.FloatField(null=True)
    latitude = models.FloatField(null=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "code"], name="zipcodes_proposal_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.current_class or '-'} → {self.proposed_class}"
