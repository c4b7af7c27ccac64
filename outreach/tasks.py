"""Celery tasks of the engine: thin adapters over `outreach.engine`.

Routing (`outreach.engine.routing`): `tick_account` and `test_login` run on the account's own
queue `account.<id>` (one solo worker each, `manage.py run_browser_workers`); `tick_campaign` on
`qualifier`; `compose_followup` and `refill_keywords` on `llm`; the beat's `tick` on `default`.
All are acks_late + reject_on_worker_lost (settings): a task whose worker dies is delivered again,
and the action claims make the rerun idempotent.
"""

import logging

from celery import shared_task
from django.conf import settings

log = logging.getLogger(__name__)


@shared_task(name="outreach.tasks.tick", ignore_result=True)
def tick() -> dict:
    """The beat's heartbeat: queue a tick for every due account and campaign."""
    from outreach.engine.dispatch import dispatch_due

    return dispatch_due()


# Tick results after which LinkedIn saw nothing new, so the analytics need no rebuild.
NO_ACTIVITY = frozenset({"stopped", "off-hours", "idle", "failed"})


@shared_task(name="outreach.tasks.tick_account", ignore_result=True)
def tick_account(account_id: int) -> str:
    """One browser tick of an account (at most one major LinkedIn action), then a Poisson gap."""
    from outreach.engine.dispatch import finish_account_tick
    from outreach.engine.lanes import run_account_tick
    from outreach.engine.pacing import poisson_gap

    result = "failed"
    try:
        result = run_account_tick(account_id)
        return result
    finally:
        if result not in ("rate-limited", "login-required"):  # those set their own, longer pause
            finish_account_tick(account_id, poisson_gap())
        if result not in NO_ACTIVITY and settings.ANALYTICS_REBUILD_AFTER_ACTIVITY:
            from analytics.tasks import schedule_rebuild

            schedule_rebuild()  # debounced; never raises
        log.info("tick_account %s: %s", account_id, result)


@shared_task(name="outreach.tasks.tick_campaign", ignore_result=True)
def tick_campaign(campaign_id: int) -> str:
    """Embed and qualify new leads of a campaign (the qualify gap-filler), off the browser queues."""
    from outreach.engine.lanes import run_campaign_tick

    return run_campaign_tick(campaign_id)


@shared_task(name="outreach.tasks.compose_followup", ignore_result=True)
def compose_followup(deal_id: int) -> None:
    """Draft the follow-up of a CONNECTED deal (template + LLM); a failure is recorded and retried
    by the follow-up lane later."""
    from crm.models import Deal, Stage
    from crm.services import activity_log
    from outreach.engine.messages import TemplateError, prepare_followup
    from qualifier.llm import LLMError

    deal = Deal.objects.select_related("campaign", "lead", "team").filter(pk=deal_id, stage=Stage.CONNECTED).first()
    if deal is None:
        return
    try:
        prepare_followup(deal)
    except (LLMError, TemplateError) as exc:
        activity_log(
            team=deal.team, kind="compose", lead=deal.lead, campaign=deal.campaign, result="failed",
            detail=f"follow-up not composed: {exc}",
        )  # fmt: skip


@shared_task(name="outreach.tasks.refill_keywords", ignore_result=True)
def refill_keywords(campaign_id: int) -> int:
    """Ask the LLM for new search keywords (the used ones excluded)."""
    from crm.services import activity_log
    from outreach.engine.discovery import refill_keywords as refill
    from outreach.engine.models import Lane, LaneSchedule
    from outreach.models import Campaign
    from qualifier.llm import LLMError

    campaign = Campaign.objects.select_related("team").filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    try:
        added = refill(campaign)
    except LLMError as exc:  # the lease stays: the next request comes after it expires
        activity_log(team=campaign.team, kind="keywords", campaign=campaign, result="failed", detail=str(exc))
        return 0
    LaneSchedule.objects.filter(campaign=campaign, account__isnull=True, lane=Lane.KEYWORDS).update(next_run_at=None)
    return added


@shared_task(name="outreach.tasks.test_login")
def test_login(account_id: int) -> dict:
    """Log the account in with its browser (UI "Test login"): {"ok", "status", "detail"}."""
    from outreach.linkedin.actions import test_login as check
    from outreach.models import LinkedInAccount

    account = LinkedInAccount.objects.filter(pk=account_id).first()
    if account is None:
        return {"ok": False, "status": "missing", "detail": "This account no longer exists."}
    return check(account)


test_login.__test__ = False  # not a pytest test when imported
