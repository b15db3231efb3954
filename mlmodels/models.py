"""The model registry: uploaded datasets, trained model versions and training jobs."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Task(models.TextChoices):
    CLAIM_FREQUENCY = "claim_frequency", _("Claim frequency (Poisson, per year of exposure)")
    CLAIM_PROBABILITY = "claim_probability", _("Claim probability (at least one claim)")
    CLAIM_SEVERITY = "claim_severity", _("Claim severity (Gamma, average cost per claim)")


class Estimator(models.TextChoices):
    GLM = "glm", _("GLM baseline (Poisson / logistic regression)")
    RANDOM_FOREST = "random_forest", _("Random forest")
    HIST_GRADIENT_BOOSTING = "hist_gradient_boosting", _("Histogram gradient boosting")


class Dataset(models.Model):
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to="datasets/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    row_count = models.PositiveIntegerField(_("row count"))
    validation_report = models.JSONField(_("validation report"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return _("%(name)s (%(rows)s rows, %(sha)s)") % {
            "name": self.name,
            "rows": self.row_count,
            "sha": self.sha256[:12],
        }


class ModelVersion(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        PRODUCTION = "production", _("Production")
        RETIRED = "retired", _("Retired")

    task = models.CharField(_("task"), max_length=32, choices=Task.choices)
    estimator = models.CharField(_("estimator"), max_length=32, choices=Estimator.choices)
    params = models.JSONField(_("params"), default=dict, blank=True)
    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.PROTECT, related_name="model_versions"
    )
    dataset_sha256 = models.CharField(_("dataset fingerprint (SHA-256)"), max_length=64)
    feature_schema = models.JSONField(_("feature schema"), default=dict)
    artifact = models.BinaryField(_("artifact"), editable=False)
    artifact_sha256 = models.CharField(_("artifact SHA-256"), max_length=64, editable=False)
    artifact_signature = models.CharField(_("artifact signature"), max_length=128, editable=False)
    sklearn_version = models.CharField(_("scikit-learn version"), max_length=32)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    average_claim_cost = models.DecimalField(
        _("average claim cost"), max_digits=12, decimal_places=2
    )
    uses_location = models.BooleanField(
        _("uses location"),
        default=False,
        help_text=_("Location-aware models are for analysis; the tariff prices location by zone."),
    )
    zoning_version = models.PositiveIntegerField(
        _("zoning version"),
        null=True,
        blank=True,
        help_text=_("The approved zoning whose zone factors were the offset (empty: no zoning)."),
    )
    zone_factors = models.JSONField(
        _("zone factors"),
        default=dict,
        blank=True,
        help_text=_("The zone factor of each risk class when trained."),
    )
    balance_factor = models.FloatField(
        _("balance factor"),
        default=1.0,
        help_text=_("Rescales predictions so they add up to what the training split observed."),
    )
    large_claim_cap = models.FloatField(
        _("large claim cap"),
        null=True,
        blank=True,
        help_text=_("Severity: cost per claim above which claims are capped."),
    )
    large_claim_loading = models.DecimalField(
        _("large claim loading"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Severity: the capped excess spread over every claim, as a fraction."),
    )
    training_seconds = models.FloatField(_("training seconds"), default=0.0)
    factors = models.JSONField(
        _("rating factors"),
        default=dict,
        blank=True,
        help_text=_("Per rating variable and level: exposure, observed, predicted, relativity."),
    )
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trained by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    is_production = models.BooleanField(_("is production"), default=False)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("promoted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        permissions = [("promote_modelversion", "Can promote a model version to production")]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(is_production=True),
                name="mlmodels_one_production_version_per_task",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_task_display()} · {self.get_estimator_display()}"

    @property
    def status(self) -> str:
        if self.is_production:
            return self.Status.PRODUCTION
        return self.Status.RETIRED if self.promoted_at else self.Status.CANDIDATE

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)


class TrainingJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, blank=True)
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64, blank=True)
    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.PROTECT, related_name="training_jobs"
    )
    task = models.CharField(_("task"), max_length=32, choices=Task.choices)
    estimator = models.CharField(_("estimator"), max_length=32, choices=Estimator.choices)
    params = models.JSONField(_("params"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    model_version = models.ForeignKey(
        ModelVersion,
        verbose_name=_("model version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training job")
        verbose_name_plural = _("training jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="mlmodels_trainingjob_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="mlmodels_trainingjob_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return _("Training job %(id)s (%(state)s)") % {
            "id": self.id,
            "state": self.get_state_display(),
        }
