"""Celery tasks of the qualifier: refits on their own queue, LLM calls on the `llm` queue."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="qualifier.refit_campaign", acks_late=True)
def refit_campaign(campaign_id: int) -> dict:
    """Refit a campaign's model from its labels (skipped when they did not change)."""
    from outreach.models import Campaign
    from qualifier.models import ModelState
    from qualifier.service import fit_now

    # Clear the flag first: a label arriving during this fit queues one more refit.
    ModelState.objects.filter(campaign_id=campaign_id).update(refit_queued=False)
    campaign = Campaign.objects.filter(pk=campaign_id).select_related("team").first()
    if campaign is None:
        return {"campaign": campaign_id, "status": "gone"}
    model = fit_now(campaign)
    return {
        "campaign": campaign_id,
        "status": "fitted" if model.ready else "cold",
        "labels": model.n_labels,
        "seconds": round(model.info.seconds, 3),
        "kind": model.info.kind,
    }


@shared_task(name="qualifier.embed_pending")
def embed_pending_task(team_id: int | None = None, limit: int | None = None) -> int:
    from crm.models import Team
    from qualifier.embeddings import embed_pending

    team = Team.objects.filter(pk=team_id).first() if team_id else None
    return embed_pending(team=team, limit=limit)


@shared_task(name="qualifier.qualify_next")
def qualify_next_task(campaign_id: int) -> str:
    """One qualification decision, run where LLM latency does not hold up a browser."""
    from outreach.models import Campaign
    from qualifier.service import qualify_next

    campaign = Campaign.objects.filter(pk=campaign_id, active=True).select_related("team").first()
    if campaign is None:
        return "stopped"
    outcome = qualify_next(campaign)
    return "idle" if outcome is None else f"{outcome.lead.pk}:{outcome.decision}"
