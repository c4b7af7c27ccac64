"""The beat's fan-out: which accounts and campaigns get a tick now.

Each account is claimed with one conditional UPDATE of `next_action_at` (a lease), so a tick is
never queued twice for the same account; the tick itself sets the next time (a Poisson gap). If
a worker dies the lease simply expires and the account is ticked again.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from outreach.engine.lanestate import take_lease
from outreach.engine.models import Lane, LaneSchedule
from outreach.engine.pacing import in_working_hours, next_working_start
from outreach.models import AccountStatus, Campaign, LinkedInAccount


def _due(now: datetime) -> Q:
    return Q(next_action_at__isnull=True) | Q(next_action_at__lte=now)


def due_accounts(now: datetime):
    return (
        LinkedInAccount.objects.filter(_due(now), active=True, campaigns__active=True)
        .exclude(status__in=(AccountStatus.PAUSED, AccountStatus.CHECKPOINT))
        .distinct()
        .only("pk", "time_zone", "country_code", "active_hours_start", "active_hours_end")
    )


def due_campaigns(now: datetime):
    held = LaneSchedule.objects.filter(lane=Lane.QUALIFY, account__isnull=True, next_run_at__gt=now)
    return Campaign.objects.filter(active=True).exclude(pk__in=held.values("campaign_id")).only("pk")


def dispatch_due(now: datetime | None = None, send=True) -> dict[str, int]:
    """Queue `tick_account` for each due account (on its own queue) and `tick_campaign` for each due
    campaign (on the qualifier queue). `send=False` only claims (for the benchmark)."""
    from outreach.tasks import tick_account, tick_campaign

    now = now or timezone.now()
    lease = timedelta(seconds=settings.ENGINE_ACCOUNT_LEASE_SECONDS)
    accounts = campaigns = 0
    for account in due_accounts(now):
        if not in_working_hours(account, now):
            LinkedInAccount.objects.filter(pk=account.pk).update(next_action_at=next_working_start(account, now))
            continue
        if LinkedInAccount.objects.filter(_due(now), pk=account.pk).update(next_action_at=now + lease) == 1:
            accounts += 1
            if send:
                tick_account.apply_async(kwargs={"account_id": account.pk})
    for campaign in due_campaigns(now):
        if take_lease(campaign, None, Lane.QUALIFY, lease.total_seconds(), now=now):
            campaigns += 1
            if send:
                tick_campaign.apply_async(kwargs={"campaign_id": campaign.pk})
    return {"accounts": accounts, "campaigns": campaigns}


def finish_account_tick(account_id: int, gap_seconds: float) -> None:
    """Release the account's lease: its next tick comes after `gap_seconds`."""
    nxt = timezone.now() + timedelta(seconds=gap_seconds)
    LinkedInAccount.objects.filter(pk=account_id).update(next_action_at=nxt)
