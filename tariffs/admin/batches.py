"""Admin of the pricing batches: what API clients sent to be priced, for operators and privacy
officers to see who priced what and until when it is kept. The results are read through the API,
by the client that sent them; nothing here is typed by hand, and a batch goes when its time is
up (a delete page would list every one of its policies)."""

from django.contrib import admin

from mlmodels.admin import ReadOnlyAdmin
from tariffs.models import PricingBatch


@admin.register(PricingBatch)
class PricingBatchAdmin(ReadOnlyAdmin):
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
