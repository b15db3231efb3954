"""The Belgian health index as published by Statbel: one value per month and base year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class HealthIndex(models.Model):
    class Source(models.TextChoices):
        BESTAT = "bestat", _("Statbel beSTAT API")
        HISTORY_FILE = "history_file", _("Statbel history file")

    month = models.DateField(_("month"), help_text=_("First day of the month the value is for."))
    base_year = models.PositiveSmallIntegerField(
        _("base year"), help_text=_("The base year: base year = 100.")
    )
    value = models.DecimalField(_("value"), max_digits=7, decimal_places=2)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    fetched_at = models.DateTimeField(_("fetched at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("health index value")
        verbose_name_plural = _("health index values")
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
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, nothing changed")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    report = models.TextField(_("report"), blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Statbel fetch")
        verbose_name_plural = _("Statbel fetches")

    def __str__(self) -> str:
        return f"Statbel fetch {self.pk} ({self.state})"
