"""What one tick does: an account's browser lanes, and a campaign's qualify lane.

Per campaign, three major lanes at `min_action_interval` (±20 %): connect, check pending, follow
up. Between major actions the gap-fillers run: enrichment of discovered leads (bounded rate) and,
lowest priority, search (see `discovery.needs_search`). Qualification runs apart, on the
`qualifier` queue (`run_campaign_tick`), so a slow fit never holds a browser. One account tick
does at most one major action, so the account's Poisson-spaced ticks set its pace on LinkedIn.

Partner (kit) campaigns run with probability `action_fraction`; while one is active, regular
campaigns of the account are skipped with probability max(action_fraction).
"""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from crm.services import activity_log
from outreach.engine.connect import LaneStop, run_check_pending, run_connect
from outreach.engine.discovery import enrich_backlog, needs_search, record_discovered, run_enrich, run_search
from outreach.engine.followup import run_follow_up
from outreach.engine.lanestate import lane_ran
from outreach.engine.models import Lane, LaneSchedule
from outreach.engine.pacing import in_working_hours
from outreach.models import AccountStatus, Campaign, LinkedInAccount

log = logging.getLogger(__name__)
MAJOR = ((Lane.CONNECT, run_connect), (Lane.CHECK_PENDING, run_check_pending), (Lane.FOLLOW_UP, run_follow_up))
STOPPED = (AccountStatus.PAUSED, AccountStatus.CHECKPOINT)


def account_runnable(account: LinkedInAccount) -> bool:
    return account.active and account.status not in STOPPED


def gate_campaigns(campaigns: list[Campaign], rng: random.Random | None = None) -> list[Campaign]:
    """Apply partner gating: each partner campaign runs with probability `action_fraction`;
    regular ones are skipped with probability max(partner fractions) while a partner is active."""
    rng = rng or random
    fractions = [c.action_fraction for c in campaigns if c.is_partner]
    partner = max(fractions) if fractions else None
    out = []
    for campaign in campaigns:
        if campaign.is_partner:
            keep = rng.random() < campaign.action_fraction
        else:
            keep = partner is None or rng.random() >= partner
        if keep:
            out.append(campaign)
    return out


def _still_active(campaign: Campaign, account: LinkedInAccount) -> bool:
    """Pausing from the UI takes effect before the next action, even inside a tick."""
    if not Campaign.objects.filter(pk=campaign.pk, active=True).exists():
        return False
    return LinkedInAccount.objects.filter(pk=account.pk, active=True).exclude(status__in=STOPPED).exists()


def _schedule(account: LinkedInAccount) -> dict[tuple[int, str], object]:
    """When each lane of the account may run next, read in one query."""
    rows = LaneSchedule.objects.filter(account=account).values_list("campaign_id", "lane", "next_run_at")
    return {(campaign_id, lane): at for campaign_id, lane, at in rows}


def _due(schedule: dict, campaign: Campaign, lane: str, now) -> bool:
    at = schedule.get((campaign.pk, lane))
    return at is None or at <= now


def act(session, account: LinkedInAccount, campaigns: list[Campaign], rng: random.Random | None = None) -> str:
    """One tick of browser work for the account. Returns what it did (for logs and tests)."""
    now = timezone.now()
    gated = gate_campaigns(campaigns, rng)
    schedule = _schedule(account)
    for campaign in gated:
        lanes = [(lane, run) for lane, run in MAJOR if _due(schedule, campaign, lane, now)]
        if not lanes or not _still_active(campaign, account):
            continue
        for lane, run in lanes:
            try:
                acted = run(session, account, campaign)
            except LaneStop as stop:
                lane_ran(campaign, account, lane, acted=False, until=stop.until, result=stop.reason)
                continue
            finally:
                record_discovered(session, account, campaign)
            if acted or (campaign.pk, lane) not in schedule:
                lane_ran(campaign, account, lane, acted=acted, interval=campaign.min_action_interval)
            if acted:
                return f"{lane}:{campaign.pk}"
    home = gated[0] if gated else campaigns[0]
    if enrich_backlog(account.team).exists() and _still_active(home, account):
        try:
            enriched = run_enrich(session, account)
        finally:
            record_discovered(session, account, home)
        if enriched:
            return "enrich"
    for campaign in gated:
        if not _due(schedule, campaign, Lane.SEARCH, now) or not needs_search(campaign):
            continue
        if not _still_active(campaign, account):
            continue
        try:
            acted = run_search(session, account, campaign)
        finally:
            record_discovered(session, account, campaign)
        lane_ran(campaign, account, Lane.SEARCH, acted=acted, interval=campaign.min_action_interval)
        if acted:
            return f"search:{campaign.pk}"
    return "idle"


def run_account_tick(account_id: int, rng: random.Random | None = None) -> str:
    """Load the account, log in when needed, act once. Typed LinkedIn errors are recorded and end the
    tick; anything else (a crashed browser) closes the session and propagates so Celery retries."""
    from outreach.linkedin import errors
    from outreach.linkedin.session import close_session, get_session

    account = LinkedInAccount.objects.select_related("team").filter(pk=account_id).first()
    if account is None or not account_runnable(account):
        return "stopped"
    if not in_working_hours(account):
        return "off-hours"
    campaigns = list(account.campaigns.filter(active=True).order_by("?"))
    if not campaigns:
        return "idle"
    session = get_session(account)
    try:
        session.ensure_logged_in()
        return act(session, account, campaigns, rng)
    except errors.RateLimited as exc:
        _account_error(account, "rate_limited", exc, pause_seconds=exc.retry_after)
        return "rate-limited"
    except (errors.LoginFailed, errors.CheckpointRequired, errors.SessionExpired) as exc:
        _account_error(account, "login", exc, pause_seconds=6 * 3600)
        return "login-required"
    except Exception as exc:
        close_session(account.pk)  # a crashed or wedged browser: the next tick starts a fresh one
        activity_log(
            team=account.team, kind="tick", account=account, result="failed",
            detail=f"browser session closed after {type(exc).__name__}: {exc}",
        )  # fmt: skip
        raise


def _account_error(account: LinkedInAccount, kind: str, exc: Exception, pause_seconds: float) -> None:
    until = timezone.now() + timedelta(seconds=pause_seconds)
    LinkedInAccount.objects.filter(pk=account.pk).update(next_action_at=until)
    activity_log(
        team=account.team, kind=kind, account=account, result="failed",
        detail=f"{type(exc).__name__}: {exc}; next try after {until:%Y-%m-%d %H:%M} UTC",
    )  # fmt: skip


def run_campaign_tick(campaign_id: int) -> str:
    """Embed new enriched leads of the team, then qualify up to ENGINE_QUALIFY_PER_TICK of them."""
    from qualifier.embeddings import embed_pending
    from qualifier.llm import LLMError
    from qualifier.service import qualify_next

    campaign = Campaign.objects.select_related("team").filter(pk=campaign_id, active=True).first()
    if campaign is None:
        return "stopped"
    embedded = embed_pending(team=campaign.team, limit=500)
    qualified, idle, note = 0, False, ""
    for _ in range(settings.ENGINE_QUALIFY_PER_TICK):
        if not Campaign.objects.filter(pk=campaign.pk, active=True).exists():
            break
        try:
            outcome = qualify_next(campaign)
        except LLMError as exc:
            note = f"LLM unavailable: {exc}"
            activity_log(team=campaign.team, kind="qualify", campaign=campaign, result="failed", detail=note)
            break
        if outcome is None:
            idle = True
            break
        qualified += 1
    result = note or f"embedded {embedded}, qualified {qualified}"
    lane_ran(campaign, None, Lane.QUALIFY, acted=not idle, interval=0, result=result)
    return result
