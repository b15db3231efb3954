"""Background jobs of the zipcodes app: computing a zoning proposal started from the admin."""

from celery import shared_task

from zipcodes import services


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60)
def zoning_proposal_compute(proposal_id: int) -> str:
    proposal = services.zoning_proposal_compute(proposal_id=proposal_id)
    return f"zoning proposal {proposal.pk}: {proposal.state}"
