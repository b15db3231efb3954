"""Pricing batches: a whole book priced in one call, each policy with the quote's steps.

A batch is a CSV file in the portfolio layout or a list of JSON policies shaped as the quote's
body. Each policy is checked on its own: one that cannot be priced gets its errors (line or
index, and field) and the others are still priced, by the portfolio engine (`portfolio_price`,
the quote's arithmetic to the cent) with the tables fixed when the batch was accepted. Up to
PRICING_BATCH_AT_ONCE policies are priced in the request; larger batches by the workers in
chunks, as impact analyses are. A batch is not a quote (no offer is made) unless the client asks
for `store_quotes`."""

import dataclasses
import datetime
import io
import itertools
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from mlmodels.models import Task
from mlmodels.schema import (
    COLUMNS,
    FEATURE_COLUMNS,
    column_problems,
    portfolio_read,
    portfolio_typed,
    problem_shown,
)
from mlmodels.serving import model_get
from pricing_site.exception_handler import flatten_field_errors
from pricing_site.exceptions import ApplicationError, TooManyRequestsError
from pricing_site.idempotency import Idempotency, idempotency_check
from strategies.selectors import RuleRow, fuel_parse, fuel_priced_as
from tariffs.models import PricingBatch, PricingBatchPolicy
from tariffs.selectors import tariff_get
from tariffs.services.portfolio import PricingTables, portfolio_price, pricing_tables_current
from tariffs.services.quotes import QuoteRequest, location_model_refuse, premium_quote, quote_date

# A CSV batch has the rating columns of the portfolio layout; `id` (the client's reference) and
# `brand` may be there; the layout's claims and coordinates may be sent and are not read.
CSV_REQUIRED = FEATURE_COLUMNS
CSV_CHECKED = (*(name for name in FEATURE_COLUMNS if name != "fuel"), "brand", "id")
# In a batch the policy number is the client's reference: it may repeat (a list of vehicles).
CSV_COLUMNS = {**COLUMNS, "id": dataclasses.replace(COLUMNS["id"], unique=False)}
REFERENCE_MAX_LENGTH = 60


def csv_policies_count(*, content: bytes) -> int:
    """The number of policies of a CSV batch, once its header is the portfolio layout's."""
    try:
        frame = portfolio_read(io.BytesIO(content))
    except ValueError as error:
        raise ApplicationError(str(error), code="invalid_batch", field="file") from error
    missing = [name for name in CSV_REQUIRED if name not in frame.columns]
    unexpected = [name for name in frame.columns if name not in COLUMNS]
    if missing or unexpected:
        problems = [
            {
                "field": f"file.{name}",
                "message": problem_shown({"code": code, "params": {}}),
                "code": code,
            }
            for names, code in ((missing, "missing_column"), (unexpected, "unexpected_column"))
            for name in names
        ]
        raise ApplicationError(
            gettext("The file's columns are not the portfolio layout's: see `fields`."),
            code="invalid_batch",
            fields=problems,
        )
    if frame.empty:
        no_rows = problem_shown({"code": "no_rows", "params": {}})
        raise ApplicationError(no_rows, code="invalid_batch", field="file")
    return len(frame)


def json_policies_content(policies: list[Any]) -> bytes:
    """JSON policies as stored: one a line, so that each chunk parses only its own."""
    return "\n".join(json.dumps(policy) for policy in policies).encode()


def policies_bounded(*, count: int, field: str) -> None:
    limit = settings.PRICING_BATCH_MAX_POLICIES
    if count > limit:
        raise ApplicationError(
            gettext("A batch holds at most %(limit)s policies; this one has %(count)s.")
            % {"limit": limit, "count": count},
            code="too_many_policies",
            field=field,
        )


def tables_fixed(*, on: datetime.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """What every policy of a batch dated *on* is priced with, fixed now (and refused now if the
    tables cannot price that day): the versions and index the client is told, and the zone
    table and rules."""
    tables = pricing_tables_current(on=on)
    frequency = model_get(task=Task.CLAIM_FREQUENCY)
    location_model_refuse(uses_location=frequency.uses_location, version_id=frequency.version_id)
    severity = model_get(task=Task.CLAIM_SEVERITY)
    uses = {
        "tariff_version": tables.tariff.id,
        "frequency_model_version": frequency.version_id,
        "severity_model_version": severity.version_id,
        "index_base_year": tables.tariff.reference_base_year,
        "index_month": f"{tables.index_month:%Y-%m}",
        "index_value": str(tables.current_index),
        "reference_month": f"{tables.tariff.reference_month:%Y-%m}",
        "reference_value": str(tables.reference_index),
    }
    fixed = {
        "zipcode_classes": tables.zipcode_classes,
        "class_factors": {code: str(factor) for code, factor in tables.class_factors.items()},
        "rules": [
            {
                **dataclasses.asdict(rule),
                "adjustment_percent": str(rule.adjustment_percent),
                "valid_from": rule.valid_from.isoformat(),
                "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
            }
            for rule in tables.rules
        ],
    }
    return uses, fixed


def batch_tables(batch: PricingBatch) -> PricingTables:
    """The tables the batch was accepted with."""
    uses, fixed = batch.uses, batch.tables
    tariff = tariff_get(tariff_id=uses["tariff_version"])
    return PricingTables(
        on=batch.on,
        frequency_version=uses["frequency_model_version"],
        severity_version=uses["severity_model_version"],
        zipcode_classes={int(code): risk for code, risk in fixed["zipcode_classes"].items()},
        class_factors={code: Decimal(factor) for code, factor in fixed["class_factors"].items()},
        rules=[
            RuleRow(
                **{
                    **rule,
                    "adjustment_percent": Decimal(rule["adjustment_percent"]),
                    "valid_from": datetime.date.fromisoformat(rule["valid_from"]),
                    "valid_to": datetime.date.fromisoformat(rule["valid_to"])
                    if rule["valid_to"]
                    else None,
                }
            )
            for rule in fixed["rules"]
        ],
        tariff=tariff,
        index_month=datetime.date.fromisoformat(f"{uses['index_month']}-01"),
        current_index=Decimal(uses["index_value"]),
        reference_index=Decimal(uses["reference_value"]),
    )


def pricing_batch_create(
    *,
    source: str,
    content: bytes,
    policies: int,
    on: datetime.date | None,
    store_quotes: bool,
    requested_by: Any,
    idempotency: Idempotency,
) -> tuple[PricingBatch, bool]:
    """Accept a batch of *policies* (the CSV file or the JSON list in *content*) and price it:
    now if it is small, else on the workers. Returns the batch and whether it is new (a retry
    with the same idempotency key and body gets the first batch)."""
    if idempotency.key:
        stored = PricingBatch.objects.filter(
            requested_by=requested_by, idempotency_key=idempotency.key
        ).first()
        if stored is not None:
            idempotency_check(stored.request_fingerprint, idempotency)
            return stored, False
    policies_bounded(
        count=policies, field="file" if source == PricingBatch.Source.CSV else "policies"
    )
    on = quote_date(requested=on)
    uses, fixed = tables_fixed(on=on)
    size = settings.PRICING_BATCH_CHUNK_POLICIES
    try:
        with transaction.atomic():
            batch = batch_accept(
                PricingBatch(
                    requested_by=requested_by,
                    idempotency_key=idempotency.key,
                    request_fingerprint=idempotency.fingerprint,
                    source=source,
                    on=on,
                    store_quotes=store_quotes,
                    policies=policies,
                    chunks=-(-policies // size),
                    uses=uses,
                    tables=fixed,
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                    expires_at=timezone.now()
                    + datetime.timedelta(hours=settings.PRICING_BATCH_KEPT_HOURS),
                ),
                content=content,
            )
    except IntegrityError:  # The same key sent twice at the same moment: one batch.
        stored = PricingBatch.objects.get(
            requested_by=requested_by, idempotency_key=idempotency.key
        )
        idempotency_check(stored.request_fingerprint, idempotency)
        return stored, False
    if policies <= settings.PRICING_BATCH_AT_ONCE:
        return pricing_batch_price_now(batch=batch), True
    from tariffs import tasks  # the tasks module imports the services

    transaction.on_commit(lambda: tasks.pricing_batch_run.delay(batch.pk))
    return batch, True


def batch_accept(batch: PricingBatch, *, content: bytes) -> PricingBatch:
    """Store *batch* unless its client already has as many batches in progress as allowed."""
    client = batch.requested_by
    # One client's batches are counted one request at a time.
    get_user_model().objects.select_for_update().filter(pk=client.pk).first()
    allowed = settings.PRICING_BATCH_CONCURRENT
    in_progress = PricingBatch.objects.filter(
        requested_by=client, state__in=[PricingBatch.State.QUEUED, PricingBatch.State.RUNNING]
    ).count()
    if in_progress >= allowed:
        raise TooManyRequestsError(
            gettext(
                "You have %(count)s pricing batches in progress, as many as allowed: send this "
                "one when one of them is done."
            )
            % {"count": in_progress},
            code="too_many_batches",
            extra={"in_progress": in_progress, "allowed": allowed},
        )
    if batch.policies <= settings.PRICING_BATCH_AT_ONCE:
        batch.state = PricingBatch.State.RUNNING
    suffix = "jsonl" if batch.source == PricingBatch.Source.JSON else "csv"
    batch.policies_file.save(f"batch.{suffix}", ContentFile(content), save=False)
    batch.save()
    return batch


def pricing_batch_price_now(*, batch: PricingBatch) -> PricingBatch:
    """Price a small batch in the request."""
    try:
        with transaction.atomic():  # a failure leaves no half of the results
            counts = pricing_batch_chunk_price(batch_id=batch.pk, start=0, stop=batch.policies)
    except Exception as error:
        pricing_batch_fail(batch_id=batch.pk, error=str(error))
        raise
    return pricing_batch_finish(batch_id=batch.pk, chunks=[counts])


def pricing_batch_start(*, batch_id: int) -> list[tuple[int, int]]:
    """Mark the batch running; the chunks to price."""
    batch = PricingBatch.objects.get(pk=batch_id)
    batch.state = PricingBatch.State.RUNNING
    batch.save(update_fields=["state"])
    size = -(-batch.policies // batch.chunks)
    return [(start, min(start + size, batch.policies)) for start in range(0, batch.policies, size)]


def pricing_batch_finish(*, batch_id: int, chunks: list[dict[str, int]]) -> PricingBatch:
    batch = PricingBatch.objects.get(pk=batch_id)
    batch.priced = sum(chunk["priced"] for chunk in chunks)
    batch.failed = sum(chunk["failed"] for chunk in chunks)
    batch.state = PricingBatch.State.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["priced", "failed", "state", "finished_at"])
    return batch


def pricing_batch_fail(*, batch_id: int, error: str) -> None:
    PricingBatch.objects.filter(pk=batch_id).update(
        state=PricingBatch.State.FAILED, error=error, finished_at=timezone.now()
    )


@dataclass
class CheckedPolicies:
    """A chunk of a batch read and checked: the policies that can be priced, in the portfolio
    layout and typed (indexed by their place in the batch), and the errors of the others."""

    frame: pd.DataFrame
    errors: dict[int, list[dict[str, str]]]
    references: dict[int, str]
    lines: dict[int, int]


def fuels_checked(
    fuels: pd.Series, *, field: str
) -> tuple[pd.Series, dict[int, list[dict[str, str]]]]:
    """Each policy's fuel as the quote reads it (`petrol`, `Diesel`, `LPG`…), and an error for a
    fuel that is unknown or that no fuel mapping says how to price."""
    read: dict[str, str] = {}
    refused: dict[str, ApplicationError] = {}
    for raw in fuels.unique():
        try:
            read[raw] = fuel_parse(raw=raw)
            fuel_priced_as(fuel=read[raw])
        except ApplicationError as error:
            refused[raw] = error
    errors: dict[int, list[dict[str, str]]] = defaultdict(list)
    for index, raw in fuels.items():
        if raw in refused:
            errors[index].append(
                {"field": field, "message": refused[raw].message, "code": refused[raw].code}
            )
    return fuels.map(read), errors


def csv_policies_check(batch: PricingBatch, start: int, stop: int) -> CheckedPolicies:
    with batch.policies_file.open("rb") as file:
        text = portfolio_read(file, rows=range(start, stop))
    text.index = range(start, stop)
    errors: dict[int, list[dict[str, str]]] = defaultdict(list)
    for name in (name for name in CSV_CHECKED if name in text.columns):
        for code, failing, params in column_problems(CSV_COLUMNS[name], text[name]):
            for index in text.index[failing.to_numpy(dtype=bool)]:
                message = problem_shown({"code": code, "params": params})
                errors[index].append({"field": name, "message": message, "code": code})
    fuels, fuel_errors = fuels_checked(text["fuel"].str.strip(), field="fuel")
    for index, found in fuel_errors.items():
        errors[index].extend(found)
    valid = ~text.index.isin(list(errors))
    columns = [name for name in CSV_CHECKED if name in text.columns]
    frame = portfolio_typed(text.loc[valid, columns]).assign(fuel=fuels[valid])
    references = (
        text["id"].str.strip().to_dict() if "id" in text.columns else dict.fromkeys(text.index, "")
    )
    return CheckedPolicies(
        frame=frame,
        errors=dict(errors),
        references=references,
        lines={index: index + 2 for index in text.index},  # the header is line 1
    )


def json_policies_check(batch: PricingBatch, start: int, stop: int) -> CheckedPolicies:
    """Each policy checked as the quote checks its body (`policies.<index>.<field>` errors)."""
    from tariffs.api.serializers import QuoteCreateInputSerializer  # the quote's own checks

    with batch.policies_file.open("rb") as file:
        sent = [json.loads(line) for line in itertools.islice(file, start, stop)]
    errors: dict[int, list[dict[str, str]]] = defaultdict(list)
    references: dict[int, str] = {}
    rows: dict[int, dict[str, Any]] = {}
    for index, policy in enumerate(sent, start=start):
        where = f"policies.{index}"
        if not isinstance(policy, dict):
            message = gettext("A policy is an object, as the quote's body.")
            errors[index].append({"field": where, "message": message, "code": "invalid"})
            continue
        reference = policy.get("reference", "")
        if not isinstance(reference, str) or len(reference) > REFERENCE_MAX_LENGTH:
            message = gettext("A reference is a string of at most %(max)s characters.") % {
                "max": REFERENCE_MAX_LENGTH
            }
            errors[index].append(
                {"field": f"{where}.reference", "message": message, "code": "invalid"}
            )
        references[index] = "" if errors.get(index) else reference
        if "date" in policy:
            message = gettext("A batch is priced on one date: send it as the batch's `date`.")
            errors[index].append(
                {"field": f"{where}.date", "message": message, "code": "not_allowed"}
            )
        body = QuoteCreateInputSerializer(data=policy)
        if not body.is_valid():
            errors[index].extend(
                {**error, "field": f"{where}.{error['field']}"}
                for error in flatten_field_errors(body.errors)
            )
            continue
        data = body.validated_data
        rows[index] = {
            "coverage": data["coverage"],
            "ageph": data["driver"]["age"],
            "bm": data["driver"]["bonus_malus"],
            "power": data["vehicle"]["power_kw"],
            "agec": data["vehicle"]["age"],
            "fuel": data["vehicle"]["fuel"],
            "use": data["use"],
            "fleet": int(data["fleet"]),
            "postcode": data["zipcode"],
            "brand": data["vehicle"]["brand"],
        }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=[*FEATURE_COLUMNS, "brand"])
    fuels, fuel_errors = fuels_checked(frame["fuel"], field="vehicle.fuel")
    for index, found in fuel_errors.items():
        errors[index].extend(
            {**error, "field": f"policies.{index}.{error['field']}"} for error in found
        )
    frame = frame.assign(fuel=fuels).loc[~frame.index.isin(list(errors))]
    return CheckedPolicies(frame=frame, errors=dict(errors), references=references, lines={})


POLICIES_CHECK: dict[str, Callable[[PricingBatch, int, int], CheckedPolicies]] = {
    PricingBatch.Source.CSV: csv_policies_check,
    PricingBatch.Source.JSON: json_policies_check,
}


def pricing_batch_chunk_price(*, batch_id: int, start: int, stop: int) -> dict[str, int]:
    """Price the policies start..stop of the batch and store each one's result."""
    batch = PricingBatch.objects.select_related("requested_by").get(pk=batch_id)
    with translation.override(batch.language):
        checked = POLICIES_CHECK[batch.source](batch, start, stop)
        results = [
            PricingBatchPolicy(
                batch=batch,
                index=index,
                line=checked.lines.get(index),
                # An `id` refused for its length is not echoed whole.
                reference=checked.references.get(index, "")[:REFERENCE_MAX_LENGTH],
                errors=checked.errors.get(index, []),
            )
            for index in range(start, stop)
        ]
        if len(checked.frame):
            results_priced(batch, checked.frame, results=results, start=start)
    PricingBatchPolicy.objects.bulk_create(results, batch_size=2000)
    failed = sum(1 for result in results if result.errors)
    return {"priced": len(results) - failed, "failed": failed}


def results_priced(
    batch: PricingBatch, frame: pd.DataFrame, *, results: list[PricingBatchPolicy], start: int
) -> None:
    """Price the checked policies of *frame* and set their results (in batch order from
    *start*): the premium, each step, what they used; or that the zipcode is not in the table."""
    prices = portfolio_price(frame=frame, tables=batch_tables(batch))
    steps = np.column_stack([prices.steps[name] for name in prices.steps]).tolist()
    fuels, postcodes = frame["fuel"].tolist(), frame["postcode"].tolist()
    priced_as = {fuel: fuel_priced_as(fuel=fuel) for fuel in set(fuels)}
    for place, index in enumerate(frame.index):
        result = results[index - start]
        if not prices.priced[place]:
            field = (
                "postcode"
                if batch.source == PricingBatch.Source.CSV
                else f"policies.{index}.zipcode"
            )
            message = gettext("There is no zipcode %(code)s in the risk table.") % {
                "code": int(postcodes[place])
            }
            result.errors = [{"field": field, "message": message, "code": "zipcode_not_found"}]
            continue
        result.steps_cents = steps[place]
        result.risk_class = prices.risk_class[place]
        result.priced_as_fuel = priced_as[fuels[place]]
        result.rule_id = int(prices.rule_id[place]) or None
        result.adjustment_percent = Decimal(int(prices.adjustment_percent[place])).scaleb(-2)
        result.frequency = float(prices.frequency[place])
        if batch.store_quotes:
            result.quote = batch_quote_store(batch, frame.iloc[place])


def batch_quote_store(batch: PricingBatch, policy: pd.Series) -> Any:
    """The quote of one policy of the batch, stored as `POST /api/v1/quotes/` stores it."""
    return premium_quote(
        request=QuoteRequest(
            zipcode=int(policy["postcode"]),
            brand=policy.get("brand") or "",
            fuel=policy["fuel"],
            power_kw=int(policy["power"]),
            vehicle_age=int(policy["agec"]),
            driver_age=int(policy["ageph"]),
            bonus_malus=int(policy["bm"]),
            coverage=policy["coverage"],
            use=policy["use"],
            fleet=bool(policy["fleet"]),
            date=batch.on,
        ),
        requested_by=batch.requested_by,
    )


def pricing_batches_expire() -> dict[str, int]:
    """Delete the batches kept long enough (their files too), and fail the ones whose workers
    vanished (a chunk takes minutes at most)."""
    now = timezone.now()
    stale = PricingBatch.objects.filter(
        state__in=[PricingBatch.State.QUEUED, PricingBatch.State.RUNNING],
        created_at__lt=now - datetime.timedelta(hours=1),
    ).update(
        state=PricingBatch.State.FAILED,
        error="Not finished within an hour: its workers stopped. Send it again.",
        finished_at=now,
    )
    expired = PricingBatch.objects.filter(expires_at__lte=now)
    for batch in expired.only("pk", "policies_file"):
        batch.policies_file.delete(save=False)
    deleted = expired.delete()[1].get(PricingBatch._meta.label, 0)
    return {"failed": stale, "deleted": deleted}
