"""Admin of the pricing batches: what API clients sent to be priced, for operators and privacy
officers to see who priced what and until when it is kept. The results are read through the API,
by the client that sent them; nothing here is typed by hand, and a batch goes when its time is
up (a delete page would list every one of its policies)."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from tariffs.models import PricingBatch


@admin.register(PricingBatch)
class PricingBatchAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "requested_by",
        "source",
        "on",
        "policies",
        "priced",
        "failed",
        "store_quotes",
        "state",
        "created_at",
        "expires_at",
    ]
    list_filter = ["state", "source", "store_quotes"]
    list_select_related = ["requested_by"]
    ordering = ["-created_at"]
    fields = (
        "requested_by",
        "source",
        "on",
        "policies",
        "priced",
        "failed",
        "store_quotes",
        "chunks",
        "uses",
        "state",
        "error",
        "created_at",
        "finished_at",
        "expires_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
