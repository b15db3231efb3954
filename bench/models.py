"""The durable-write floor's one table (bench/floor.py): what any stored quote must at least
write, a JSON body, an amount and a timestamp."""

from django.db import models


class FloorWrite(models.Model):
    body = models.JSONField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"floor write {self.pk}"
