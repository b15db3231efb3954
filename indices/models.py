"""The Belgian health index as published by Statbel: one value per month and base year."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class HealthIndex(models.Model):
    class Source(models.TextChoices):
        BESTAT = "bestat", "Statbel beSTAT API"
        HISTORY_FILE = "history_file", "Statbel history file"

    month = models.DateField(help_text="First day of the month the value is for.")
    base_year = models.PositiveSmallIntegerField(help_text="The base year: base year = 100.")
    value = models.DecimalField(max_digits=7, decimal_places=2)
    source = models.CharField(max_length=16, choices=Source.choices)
    fetched_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "health index value"
        verbose_name_plural = "health index values"
        ordering = ["-month", "base_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["base_year", "month"], name="indices_one_value_per_month_and_base"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} base {self.base_year}: {self.value}"


class HealthIndexFetch(models.Model):
    """A fetch from Statbel asked for in the admin: run by a worker, its outcome kept for staff
    (the request that asks never waits for Statbel)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed, nothing changed"

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    report = models.TextField(blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Statbel fetch {self.pk} ({self.state})"
