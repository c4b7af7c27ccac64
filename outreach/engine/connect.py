"""The connect and check-pending lanes (one browser action each per run)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from crm.models import Deal, Stage
from crm.services import activity_log, deal_backoff, deal_move
from outreach.engine.limits import (
    COUNTED,
    LimitReached,
    claim_action,
    claim_done,
    claim_release,
    leads_of,
    mark_weekly_exhausted,
)
from outreach.engine.models import ActionClaim, ClaimKind, ClaimStatus
from outreach.engine.pacing import local_now
from outreach.engine.safety import blocked_by_conflict

log = logging.getLogger(__name__)
CANDIDATES = 50
MAX_CONNECT_ERRORS = 3
CHECKS_PER_RUN = 10


class LaneStop(Exception):
    """The lane cannot go on today (a limit); `until` says when to look again."""

    def __init__(self, reason: str, until) -> None:
        self.reason, self.until = reason, until
        super().__init__(reason)


def _tomorrow(account):
    local = local_now(account)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return start.astimezone(timezone.UTC)


def connect_candidates(campaign, account) -> list[Deal]:
    """NEW deals of the campaign not yet invited, best first (the qualifier's ranking); an invitation
    this account left unfinished (its worker died) comes first, to be resumed."""
    claims = ActionClaim.objects.filter(kind=ClaimKind.CONNECT, status__in=COUNTED)
    base = (
        Deal.objects.filter(campaign=campaign, stage=Stage.NEW, lead__disqualified=False)
        .exclude(next_step__has_key="conflict")
        .select_related("lead", "campaign", "team")
    )
    unfinished = claims.filter(account=account, status=ClaimStatus.CLAIMED).values("lead_id")
    resumed = list(base.filter(lead_id__in=unfinished))
    fresh = list(base.due().exclude(lead_id__in=claims.values("lead_id")).order_by("-score", "created_at")[:CANDIDATES])
    if len(fresh) > 1:
        from qualifier.service import rank_for_connect

        fresh = rank_for_connect(campaign, fresh)
    return resumed + fresh


def _pending(deal: Deal, account) -> None:
    deal_move(deal=deal, to=Stage.PENDING, account=account)
    hours = deal.campaign.check_pending_after_hours
    deal.next_step = {**deal.next_step, "backoff_hours": hours}
    deal.next_action_at = timezone.now() + timedelta(hours=hours)
    deal.save(update_fields=["next_step", "next_action_at", "updated_at"])


def _connect_failed(deal: Deal, account, exc: Exception) -> None:
    errors = int(deal.next_step.get("connect_errors", 0)) + 1
    activity_log(
        team=deal.team, kind="connect", lead=deal.lead, campaign=deal.campaign, account=account,
        result="failed", detail=f"{type(exc).__name__}: {exc}",
    )  # fmt: skip
    if errors >= MAX_CONNECT_ERRORS:
        deal_move(deal=deal, to=Stage.FAILED, account=account, reason=f"could not connect: {exc}")
        return
    deal.next_step = {**deal.next_step, "connect_errors": errors}
    deal.next_action_at = timezone.now() + timedelta(hours=24)
    deal.save(update_fields=["next_step", "next_action_at", "updated_at"])


def run_connect(session, account, campaign) -> bool:
    """Invite the best NEW lead of the campaign. True if it acted on LinkedIn."""
    from outreach.linkedin import actions, errors
    from outreach.linkedin.actions import ConnectionStatus

    for deal in connect_candidates(campaign, account):
        if blocked_by_conflict(deal, account):
            continue
        try:
            got = claim_action(account=account, kind=ClaimKind.CONNECT, lead=deal.lead, campaign=campaign)
        except LimitReached as exc:
            raise LaneStop(exc.detail, account.weekly_exhausted_until or _tomorrow(account)) from exc
        if not got.may_act:
            continue
        public_id = deal.lead.public_id
        try:
            if got.state == "resumed":  # a worker died mid-invitation: never click twice
                status = actions.connection_status(session, public_id)
                if status not in (ConnectionStatus.PENDING, ConnectionStatus.CONNECTED):
                    status = actions.send_connection_request(session, public_id)
            else:
                status = actions.send_connection_request(session, public_id)
        except errors.ReachedConnectionLimit as exc:
            claim_release(got.claim, "LinkedIn weekly limit")
            account.refresh_from_db(fields=["weekly_exhausted_until"])
            if account.weekly_exhausted_until is None or account.weekly_exhausted_until <= timezone.now():
                mark_weekly_exhausted(account)
            raise LaneStop("LinkedIn's weekly invitation limit", account.weekly_exhausted_until) from exc
        except errors.ProfileUnavailable as exc:
            claim_release(got.claim, str(exc))
            deal_move(deal=deal, to=Stage.FAILED, account=account, reason=f"profile unavailable: {exc}")
            return True
        except errors.ElementMissing as exc:
            claim_release(got.claim, str(exc))
            _connect_failed(deal, account, exc)
            return True
        except (errors.RateLimited, errors.LoginFailed, errors.CheckpointRequired, errors.SessionExpired):
            claim_release(got.claim, "account error before the invitation")
            raise
        if status == ConnectionStatus.CONNECTED:
            claim_done(got.claim, "already connected")
            deal_move(deal=deal, to=Stage.CONNECTED, account=account, reason="already connected")
        elif status == ConnectionStatus.PENDING:
            claim_done(got.claim, "invitation sent")
            _pending(deal, account)
        else:
            claim_release(got.claim, f"status {status}")
            _connect_failed(deal, account, RuntimeError(f"connection status {status} after the request"))
        return True
    return False


def run_check_pending(session, account, campaign) -> bool:
    """Check PENDING deals this account invited: accepted → CONNECTED, else back off (doubling)."""
    from outreach.linkedin import actions, errors
    from outreach.linkedin.actions import ConnectionStatus

    deals = list(
        Deal.objects.filter(campaign=campaign, stage=Stage.PENDING)
        .filter(leads_of(account))
        .due()
        .select_related("lead", "campaign", "team")
        .order_by("next_action_at")[:CHECKS_PER_RUN]
    )
    for deal in deals:
        try:
            status = actions.connection_status(session, deal.lead.public_id)
        except errors.ProfileUnavailable as exc:
            deal_move(deal=deal, to=Stage.FAILED, account=account, reason=f"profile unavailable: {exc}")
            continue
        except errors.ElementMissing:
            status = ConnectionStatus.UNKNOWN  # checked again after the back-off
        if status == ConnectionStatus.CONNECTED:
            deal_move(deal=deal, to=Stage.CONNECTED, account=account, reason="invitation accepted")
        else:
            deal_backoff(deal=deal)
            if not deal.next_step.get("backoff_hours"):  # a zero base (tests) would re-check every run
                deal.next_action_at = timezone.now() + timedelta(seconds=settings.ENGINE_MEAN_GAP_SECONDS)
                deal.save(update_fields=["next_action_at"])
    return bool(deals)
