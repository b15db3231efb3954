"""The tariff: versions of its commercial terms, stored quotes, impact analyses, zoning
proposals and backtests, which compose the rules, zones, index and models below into a premium.

The tables keep the names they had in the apps these models came from (strategies, zipcodes,
mlmodels), so moving them here changed no row."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Upper
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from pricing_site.numbers import euros
from strategies.models import draft_state_field


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
        db_table = "strategies_tariffversion"
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("tariff version")
        verbose_name_plural = _("tariff versions")
        permissions = [("approve_tariffversion", "Can approve a draft tariff version")]

    def __str__(self) -> str:
        return _("Tariff v%(id)s from %(date)s") % {
            "id": self.pk,
            "date": date_format(self.valid_from, "SHORT_DATE_FORMAT"),
        }


# A quote's brand as the admin searches it, in any case: the expression its index is built on.
QUOTE_BRAND_UPPER = Upper(Cast(KeyTextTransform("brand", "inputs"), models.TextField()))


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
        "strategies.PricingRule",
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
    # Past retention (or erased on request) the inputs are generalised: no postcode, no exact age
    # (tariffs/services/privacy.py); the premium and its steps stay for statistics.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        db_table = "strategies_quote"
        ordering = ["-created_at"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        permissions = [("erase_quote", "Can erase the personal data of a quote")]
        indexes = [
            # The retention task's daily look-up: quotes created before a day, not anonymised.
            models.Index(
                fields=["created_at"],
                condition=Q(anonymised_at__isnull=True),
                name="tariffs_quote_personal_idx",
            ),
            # What the admin's quote list reads at millions of rows (bench/scale.py): its
            # order, its search by zipcode, brand and date, its filter of anonymised quotes.
            models.Index(fields=["-created_at", "-id"], name="tariffs_quote_created_idx"),
            models.Index(fields=["quote_date"], name="tariffs_quote_date_idx"),
            models.Index(KeyTransform("zipcode", "inputs"), name="tariffs_quote_zipcode_idx"),
            models.Index(QUOTE_BRAND_UPPER, name="tariffs_quote_brand_idx"),
            models.Index(
                fields=["anonymised_at"],
                condition=Q(anonymised_at__isnull=False),
                name="tariffs_quote_anonymised_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="strategies_quote_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return _("Quote %(id)s: %(premium)s") % {"id": self.pk, "premium": euros(self.premium)}


class QuotePrivacyAction(models.Model):
    """What was done with quotes' personal data, and by whom: the retention task's
    anonymisations, erasures asked for, exports answered."""

    class Kind(models.TextChoices):
        RETENTION = "retention", _("Anonymised after the retention period")
        ERASURE = "erasure", _("Erased on request")
        EXPORT = "export", _("Personal data exported")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    performed_at = models.DateTimeField(_("performed at"), auto_now_add=True)
    performed_by = models.CharField(_("performed by"), max_length=150, blank=True)
    quotes = models.PositiveIntegerField(_("quotes"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-performed_at"]
        verbose_name = _("quote privacy action")
        verbose_name_plural = _("quote privacy actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.quotes}"


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
        db_table = "strategies_impactanalysis"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("impact analysis")
        verbose_name_plural = _("impact analyses")

    def __str__(self) -> str:
        return _("Impact analysis %(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_display(),
        }


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
        db_table = "zipcodes_zoningproposal"
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
        db_table = "zipcodes_zoningproposalzipcode"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "code"], name="zipcodes_proposal_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.current_class or '-'} → {self.proposed_class}"


class TariffEvaluation(models.Model):
    """The tariff backtested on a dataset's holdout, run from the admin as a job."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    dataset = models.ForeignKey(
        "mlmodels.Dataset", verbose_name=_("dataset"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    report_html = models.TextField(_("report html"), blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "mlmodels_tariffevaluation"
        ordering = ["-created_at"]
        verbose_name = _("tariff evaluation")
        verbose_name_plural = _("tariff evaluations")

    def __str__(self) -> str:
        return _("Tariff evaluation %(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_display(),
        }


class TariffChange(models.Model):
    """One change that put prices in force or took them out: what, from when, drafted and
    approved by whom, the impact analysis seen at approval and the values before and after.

    Append-only: the database refuses UPDATE and DELETE on its table (migration 0004), so not
    even a superuser through the ORM rewrites what was decided. People are kept by username, so
    deleting an account changes no entry."""

    class Kind(models.TextChoices):
        RULE_APPROVED = "rule_approved", _("Pricing rule approved")
        RULE_ENDED = "rule_ended", _("Pricing rule ended")
        TARIFF_VERSION_APPROVED = "tariff_version_approved", _("Tariff version approved")
        ZONING_APPROVED = "zoning_approved", _("Zoning approved")
        MODEL_PROMOTED = "model_promoted", _("Model promoted")
        INDEX_MONTH = "index_month", _("Health index month in use")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    object_id = models.PositiveIntegerField(_("object id"))
    effective_from = models.DateField(_("effective from"))
    drafted_by = models.CharField(_("drafted by"), max_length=150, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    impact = models.JSONField(
        _("impact at approval"),
        default=dict,
        blank=True,
        help_text=_("The impact analysis of the draft staff saw when approving it."),
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why it was approved without an impact analysis of the draft, in words."),
    )
    approved_alone = models.BooleanField(
        _("approved by its author"),
        default=False,
        help_text=_("Approved by the person who drafted it, as this deployment allows."),
    )
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("tariff change")
        verbose_name_plural = _("tariff changes")
        indexes = [models.Index(fields=["kind", "-recorded_at"], name="tariffs_change_kind_idx")]
        constraints = [
            # Four eyes, held by the database: every approval writes its entry in its own
            # transaction, so an author approving their own draft cannot commit (unless the
            # deployment allows it, and then the entry says so).
            models.CheckConstraint(
                condition=Q(drafted_by="")
                | ~Q(drafted_by=F("approved_by"))
                | Q(approved_alone=True),
                name="tariffs_change_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        # Not the stored subject: that is in the project's language, a title in the reader's.
        return f"{self.get_kind_display()} ({self.object_id})"


class PricingBatch(models.Model):
    """A book of policies an API client asked to price (a renewal, a partner's list of vehicles):
    priced with the quote's steps, kept for a while for the client to read, and no quote unless
    the client asked for them."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        CSV = "csv", _("CSV file (portfolio layout)")
        JSON = "json", _("JSON policies")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pricing_batches",
        verbose_name=_("requested by"),
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=4, choices=Source.choices)
    policies_file = models.FileField(_("policies as sent"), upload_to="pricing-batches/")
    on = models.DateField(_("pricing date"))
    store_quotes = models.BooleanField(_("stores quotes"), default=False)
    policies = models.PositiveIntegerField(_("policies"))
    priced = models.PositiveIntegerField(_("priced"), default=0)
    failed = models.PositiveIntegerField(_("not priced"), default=0)
    chunks = models.PositiveSmallIntegerField(_("chunks"), default=1)
    # The tables every chunk prices with, fixed when the batch is accepted (a promotion, a rule
    # approved or a new index month during a large batch would price half of it otherwise):
    # `uses` the versions and index the client is told, `tables` the zone table and rules.
    uses = models.JSONField(_("priced with"), default=dict)
    tables = models.JSONField(default=dict)
    # The client's language when it sent the batch: each policy's errors are written in it, by
    # the request or by the workers alike.
    language = models.CharField(max_length=8, default="en")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pricing batch")
        verbose_name_plural = _("pricing batches")
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="tariffs_pricingbatch_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return _("Pricing batch %(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_display(),
        }


class PricingBatchPolicy(models.Model):
    """One policy of a batch: its premium and steps, or why it could not be priced."""

    batch = models.ForeignKey(PricingBatch, on_delete=models.CASCADE, related_name="results")
    index = models.PositiveIntegerField(_("index"), help_text=_("From 0, in the order sent."))
    line = models.PositiveIntegerField(_("line"), null=True, help_text=_("In the CSV file."))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    # Each step's amount in cents, in the order of tariffs.services.portfolio.STEPS (the last is
    # the premium); empty when not priced.
    steps_cents = models.JSONField(default=list)
    risk_class = models.CharField(_("risk class"), max_length=1, blank=True)
    priced_as_fuel = models.CharField(_("priced as fuel"), max_length=10, blank=True)
    rule_id = models.PositiveIntegerField(_("pricing rule"), null=True)
    adjustment_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    frequency = models.FloatField(_("frequency"), null=True)
    quote = models.ForeignKey(
        Quote, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("quote")
    )
    errors = models.JSONField(_("errors"), default=list)

    class Meta:
        ordering = ["batch", "index"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "index"], name="tariffs_batchpolicy_index")
        ]
        indexes = [
            models.Index(
                fields=["batch", "index"],
                condition=~Q(errors=[]),
                name="tariffs_batchpolicy_failed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.index}"
