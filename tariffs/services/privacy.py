"""Quotes' personal data: kept for the retention period, then generalised so that the quote
still counts in statistics and impact analyses but names nobody; erased on request the same
way; exported on request. Each action is recorded (QuotePrivacyAction)."""

import datetime
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pricing_site.exceptions import ApplicationError, NotFoundError
from tariffs.models import Quote, QuotePrivacyAction
from tariffs.services.changes import username
from zipcodes.selectors import zipcode_provinces_get

BATCH_SIZE = 1000
# Bands an anonymised quote keeps instead of the exact value: (lowest value, label), ascending.
AGE_BANDS = ((0, "17-24"), (25, "25-34"), (35, "35-49"), (50, "50-64"), (65, "65-74"), (75, "75+"))
POWER_BANDS = ((0, "0-54"), (55, "55-74"), (75, "75-99"), (100, "100+"))
BONUS_MALUS_BANDS = ((0, "0"), (1, "1-3"), (4, "4-7"), (8, "8-11"), (12, "12+"))
# What a quote's inputs keep once anonymised (the rest is replaced by a band or the province).
KEPT_INPUTS = ("brand", "fuel", "vehicle_age", "coverage", "use", "fleet", "date")
UNKNOWN_PROVINCE = "unknown"


def band(value: int, bands: tuple[tuple[int, str], ...]) -> str:
    return next(label for lowest, label in reversed(bands) if value >= lowest)


def inputs_generalised(inputs: dict[str, Any], provinces: dict[int, str]) -> dict[str, Any]:
    """*inputs* as an anonymised quote keeps them: the province for the postcode, bands for the
    driver's age, the car's power and the bonus-malus."""
    return {
        **{name: inputs[name] for name in KEPT_INPUTS if name in inputs},
        "province": provinces.get(inputs["zipcode"]) or UNKNOWN_PROVINCE,
        "age_band": band(inputs["driver_age"], AGE_BANDS),
        "power_band": band(inputs["power_kw"], POWER_BANDS),
        "bonus_malus_band": band(inputs["bonus_malus"], BONUS_MALUS_BANDS),
    }


def breakdown_generalised(breakdown: list[dict[str, Any]], province: str) -> list[dict[str, Any]]:
    """The steps and amounts as they were; the zone step names its province, not the postcode."""
    steps = []
    for step in breakdown:
        uses = step.get("uses", {})
        if "zipcode" in uses:
            uses = {**{k: v for k, v in uses.items() if k != "zipcode"}, "province": province}
        steps.append({**step, "uses": uses})
    return steps


def quotes_anonymise(quotes: Iterable[Quote], *, now: datetime.datetime) -> int:
    """Generalise *quotes*' inputs, forget their Idempotency-Key and request fingerprint (both
    derived from what the client sent); premium, steps and references stay."""
    provinces = zipcode_provinces_get()
    changed = []
    for quote in quotes:
        if quote.anonymised_at is not None:
            continue
        generalised = inputs_generalised(quote.inputs, provinces)
        quote.inputs = generalised
        quote.breakdown = breakdown_generalised(quote.breakdown, generalised["province"])
        quote.idempotency_key = ""
        quote.request_fingerprint = ""
        quote.anonymised_at = now
        changed.append(quote)
    Quote.objects.bulk_update(
        changed,
        ["inputs", "breakdown", "idempotency_key", "request_fingerprint", "anonymised_at"],
        batch_size=BATCH_SIZE,
    )
    return len(changed)


def retention_cutoff(*, now: datetime.datetime) -> datetime.datetime:
    return now - relativedelta(months=settings.PRICING_QUOTE_RETENTION_MONTHS)


def quotes_retention_apply(*, now: datetime.datetime | None = None) -> QuotePrivacyAction:
    """Anonymise every quote created before the retention period (the daily beat task), in
    batches each committed on its own, and record how many."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now=now)
    expired = Quote.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff)
    total = 0
    while True:
        with transaction.atomic():
            batch = list(expired.select_for_update(skip_locked=True).order_by("pk")[:BATCH_SIZE])
            if not batch:
                break
            total += quotes_anonymise(batch, now=now)
    return QuotePrivacyAction.objects.create(
        kind=QuotePrivacyAction.Kind.RETENTION,
        performed_by="retention task",
        quotes=total,
        detail={
            "created_before": cutoff.isoformat(),
            "retention_months": settings.PRICING_QUOTE_RETENTION_MONTHS,
        },
    )


def quotes_to_erase(
    *, quote_id: int | None = None, idempotency_key: str = "", client: str = ""
) -> list[Quote]:
    """The quote *quote_id*, or every quote *client* sent with *idempotency_key*."""
    if quote_id is not None:
        quotes = list(Quote.objects.filter(pk=quote_id))
        if not quotes:
            raise NotFoundError(f"There is no quote {quote_id}.", code="quote_not_found")
        return quotes
    if not (idempotency_key and client):
        raise ApplicationError(
            "Name a quote, or an Idempotency-Key with the API client that sent it.",
            code="erasure_target_required",
        )
    quotes = list(
        Quote.objects.filter(idempotency_key=idempotency_key, requested_by__username=client)
    )
    if not quotes:
        raise NotFoundError(
            f"API client {client!r} has no quote with that Idempotency-Key.",
            code="quote_not_found",
        )
    return quotes


@transaction.atomic
def quotes_erase(*, quotes: list[Quote], erased_by: Any, reason: str = "") -> QuotePrivacyAction:
    """Erase the personal data of *quotes* at once (a data subject's request): anonymised as
    retention would, and recorded with who did it and why."""
    now = timezone.now()
    ids = [quote.pk for quote in quotes]
    erased = quotes_anonymise(
        Quote.objects.select_for_update().filter(pk__in=ids).order_by("pk"), now=now
    )
    return QuotePrivacyAction.objects.create(
        kind=QuotePrivacyAction.Kind.ERASURE,
        performed_by=username(erased_by),
        quotes=erased,
        detail={"quotes": ids, "reason": reason.strip()},
    )


def quote_personal_data(*, quote: Quote, exported_by: Any) -> dict[str, Any]:
    """What the broker holds about the person behind *quote* (an access request), recorded."""
    QuotePrivacyAction.objects.create(
        kind=QuotePrivacyAction.Kind.EXPORT,
        performed_by=username(exported_by),
        quotes=1,
        detail={"quotes": [quote.pk]},
    )
    return {
        "quote": quote.pk,
        "created_at": quote.created_at.isoformat(),
        "anonymised_at": quote.anonymised_at.isoformat() if quote.anonymised_at else None,
        "inputs": quote.inputs,
        "premium": str(quote.premium),
        "currency": "EUR",
        "requested_by": quote.requested_by.get_username() if quote.requested_by else None,
        "idempotency_key": quote.idempotency_key or None,
        "kept_until": (
            quote.created_at + relativedelta(months=settings.PRICING_QUOTE_RETENTION_MONTHS)
        )
        .date()
        .isoformat(),
        "purpose": gettext(
            "The offer made, kept to honour and prove it and to reprice it; after the retention "
            "period only bands and the province are kept, for statistics."
        ),
    }
