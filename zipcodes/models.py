"""The zipcode risk table: Belgian zipcodes and the risk class (with its price factor) of each."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

ZIPCODE_MIN = 1000
ZIPCODE_MAX = 9999


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
        return f"{self.code} (x {self.factor})"


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


class ZoningProposal(models.Model):
    """Zones derived from a portfolio's claims; a draft changes nothing until staff approve it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Being computed")
        DRAFT = "draft", _("Draft, to review")
        APPROVED = "approved", _("Approved and applied")
        FAILED = "failed", _("Failed")

    dataset = models.ForeignKey(
        "mlmodels.Dataset",
        on_delete=models.PROTECT,
        related_name="zoning_proposals",
        verbose_name=_("dataset"),
    )
    classes = models.PositiveSmallIntegerField(_("classes"), default=3)
    credibility_k = models.FloatField(
        _("credibility k"),
        default=100.0,
        help_text=_("Expected claims that make a postcode half-credible."),
    )
    bandwidth_km = models.FloatField(
        _("bandwidth (km)"), default=5.0, help_text=_("Neighbourhood kernel width in km.")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("error"), blank=True)
    factors = models.JSONField(default=dict, blank=True)
    breaks = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    map_png = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("zoning proposal")
        verbose_name_plural = _("zoning proposals")
        permissions = [("approve_zoningproposal", "Can approve a zoning proposal")]

    def __str__(self) -> str:
        return _("Zoning proposal %(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_display(),
        }


class ZoningProposalZipcode(models.Model):
    """One postcode of a proposal: its claims experience and the class proposed for it."""

    class Source(models.TextChoices):
        DATA = "data", _("Its own claims, smoothed with its neighbours")
        NEIGHBOURS = "neighbours", _("Not in the data: the class of its neighbourhood")

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
