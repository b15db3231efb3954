"""The model registry: uploaded datasets, trained model versions and training jobs."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Task(models.TextChoices):
    CLAIM_FREQUENCY = "claim_frequency", "Claim frequency (Poisson, per year of exposure)"
    CLAIM_PROBABILITY = "claim_probability", "Claim probability (at least one claim)"
    CLAIM_SEVERITY = "claim_severity", "Claim severity (Gamma, average cost per claim)"


class Estimator(models.TextChoices):
    GLM = "glm", "GLM baseline (Poisson / logistic regression)"
    RANDOM_FOREST = "random_forest", "Random forest"
    HIST_GRADIENT_BOOSTING = "hist_gradient_boosting", "Histogram gradient boosting"


class Dataset(models.Model):
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="datasets/%Y/%m/")
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    row_count = models.PositiveIntegerField()
    validation_report = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.row_count} rows, {self.sha256[:12]})"


class ModelVersion(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        PRODUCTION = "production", "Production"
        RETIRED = "retired", "Retired"

    task = models.CharField(max_length=32, choices=Task.choices)
    estimator = models.CharField(max_length=32, choices=Estimator.choices)
    params = models.JSONField(default=dict, blank=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="model_versions")
    dataset_sha256 = models.CharField("dataset fingerprint (SHA-256)", max_length=64)
    feature_schema = models.JSONField(default=dict)
    artifact = models.BinaryField(editable=False)
    artifact_sha256 = models.CharField("artifact SHA-256", max_length=64, editable=False)
    artifact_signature = models.CharField(max_length=128, editable=False)
    sklearn_version = models.CharField("scikit-learn version", max_length=32)
    metrics = models.JSONField(default=dict, blank=True)
    average_claim_cost = models.DecimalField(max_digits=12, decimal_places=2)
    uses_location = models.BooleanField(
        default=False,
        help_text="Location-aware models are for analysis; the tariff prices location by zone.",
    )
    zoning_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The approved zoning whose zone factors were the offset (empty: no zoning).",
    )
    zone_factors = models.JSONField(
        default=dict, blank=True, help_text="The zone factor of each risk class when trained."
    )
    balance_factor = models.FloatField(
        default=1.0,
        help_text="Rescales predictions so they add up to what the training split observed.",
    )
    large_claim_cap = models.FloatField(
        null=True, blank=True, help_text="Severity: cost per claim above which claims are capped."
    )
    large_claim_loading = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Severity: the capped excess spread over every claim, as a fraction.",
    )
    training_seconds = models.FloatField(default=0.0)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_production = models.BooleanField(default=False)
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
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


class TrainingJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="training_jobs")
    task = models.CharField(max_length=32, choices=Task.choices)
    estimator = models.CharField(max_length=32, choices=Estimator.choices)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
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
        return f"Training job {self.id} ({self.state})"


class TariffEvaluation(models.Model):
    """The tariff backtested on a dataset's holdout, run from the admin as a job."""

    class State(models.TextChoices):
        QUEUED = "queued", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    report_html = models.TextField(blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Tariff evaluation {self.pk} ({self.get_state_display()})"
