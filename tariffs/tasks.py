"""Background jobs of the tariff: impact analyses and pricing batches priced in chunks by the
workers, zoning proposals and tariff backtests started from the admin, the nightly clean-ups."""

from typing import Any

from celery import chord, shared_task

from tariffs.services import batches, evaluation, impact, privacy, zoning


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def impact_analysis_run(analysis_id: int) -> str:
    """Price the portfolio's chunks in parallel (one task each), then aggregate them."""
    chunks = impact.impact_analysis_start(analysis_id=analysis_id)
    chord(impact_chunk_price.s(analysis_id, start, stop) for start, stop in chunks)(
        impact_analysis_aggregate.s(analysis_id).on_error(impact_analysis_fail.s(analysis_id))
    )
    return f"impact analysis {analysis_id}: {len(chunks)} chunks"


# The chunks' results travel through the result backend to the task that aggregates them.
@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60, ignore_result=False)
def impact_chunk_price(analysis_id: int, start: int, stop: int) -> dict[str, Any]:
    return impact.impact_chunk_price(analysis_id=analysis_id, start=start, stop=stop)


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60, ignore_result=False)
def impact_analysis_aggregate(chunks: list[dict[str, Any]], analysis_id: int) -> str:
    analysis = impact.impact_analysis_aggregate(analysis_id=analysis_id, chunks=chunks)
    return f"impact analysis {analysis.pk}: {analysis.state}"


@shared_task
def impact_analysis_fail(request: Any, exc: Exception, traceback: Any, analysis_id: int) -> None:
    impact.impact_analysis_fail(analysis_id=analysis_id, error=str(exc))


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60)
def zoning_proposal_compute(proposal_id: int) -> str:
    proposal = zoning.zoning_proposal_compute(proposal_id=proposal_id)
    return f"zoning proposal {proposal.pk}: {proposal.state}"


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60)
def tariff_evaluation_run(evaluation_id: int) -> str:
    tariff_evaluation = evaluation.tariff_evaluation_run(evaluation_id=evaluation_id)
    return f"tariff evaluation {tariff_evaluation.pk}: {tariff_evaluation.state}"


@shared_task(soft_time_limit=30 * 60, time_limit=35 * 60)
def quotes_retention_apply() -> str:
    action = privacy.quotes_retention_apply()
    return f"{action.quotes} quotes anonymised (created before {action.detail['created_before']})"


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def pricing_batch_run(batch_id: int) -> str:
    """Price the batch's chunks in parallel (one task each), then count them."""
    chunks = batches.pricing_batch_start(batch_id=batch_id)
    chord(pricing_batch_chunk_price.s(batch_id, start, stop) for start, stop in chunks)(
        pricing_batch_finish.s(batch_id).on_error(pricing_batch_fail.s(batch_id))
    )
    return f"pricing batch {batch_id}: {len(chunks)} chunks"


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60, ignore_result=False)
def pricing_batch_chunk_price(batch_id: int, start: int, stop: int) -> dict[str, int]:
    return batches.pricing_batch_chunk_price(batch_id=batch_id, start=start, stop=stop)


@shared_task(ignore_result=False)
def pricing_batch_finish(chunks: list[dict[str, int]], batch_id: int) -> str:
    batch = batches.pricing_batch_finish(batch_id=batch_id, chunks=chunks)
    return f"pricing batch {batch.pk}: {batch.priced} priced, {batch.failed} not"


@shared_task
def pricing_batch_fail(request: Any, exc: Exception, traceback: Any, batch_id: int) -> None:
    batches.pricing_batch_fail(batch_id=batch_id, error=str(exc))


@shared_task
def pricing_batches_expire() -> str:
    done = batches.pricing_batches_expire()
    return f"{done['deleted']} pricing batches deleted, {done['failed']} stale ones failed"
