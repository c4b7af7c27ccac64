"""The beat's fan-out: which accounts and campaigns get a tick now.

Each account is claimed with one conditional UPDATE of `next_action_at` (a lease), so a tick is
never queued twice for the same account; the tick itself sets the next time (a Poisson gap). If
a worker dies the lease simply expires and the account is ticked again.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outreach.engine.models import Lane, LaneSchedule
from outreach.engine.pacing import in_working_hours, next_working_start
from outreach.models import AccountStatus, Campaign, LinkedInAccount


def _due(now: datetime) -> Q:
    return Q(next_action_at__isnull=True) | Q(next_action_at__lte=now)


def due_accounts(now: datetime):
    with_active_campaign = Campaign.accounts.through.objects.filter(campaign__active=True).values("linkedinaccount_id")
    return (
        LinkedInAccount.objects.filter(_due(now), active=True, pk__in=with_active_campaign)
        .exclude(status__in=(AccountStatus.PAUSED, AccountStatus.CHECKPOINT))
        .only("pk", "time_zone", "country_code", "active_hours_start", "active_hours_end")
    )


def due_campaigns(now: datetime):
    held = LaneSchedule.objects.filter(lane=Lane.QUALIFY, account__isnull=True, next_run_at__gt=now)
    return Campaign.objects.filter(active=True).exclude(pk__in=held.values("campaign_id")).only("pk")


def _lease_accounts(now: datetime, lease: timedelta) -> list[int]:
    """Due accounts inside their working hours, leased in one transaction (row locks on PostgreSQL,
    skipping rows another dispatcher holds; SQLite's IMMEDIATE transaction serialises dispatchers)."""
    with transaction.atomic():
        due = list(due_accounts(now).select_for_update(skip_locked=True, of=("self",)))
        working = [a.pk for a in due if in_working_hours(a, now)]
        for account in due:
            if account.pk not in working:  # parked until its window opens
                LinkedInAccount.objects.filter(pk=account.pk).update(next_action_at=next_working_start(account, now))
        LinkedInAccount.objects.filter(pk__in=working).update(next_action_at=now + lease)
    return working


def _lease_campaigns(now: datetime, lease: timedelta) -> list[int]:
    """Active campaigns whose qualify lane is free, leased in one transaction."""
    active = list(Campaign.objects.filter(active=True).values_list("pk", flat=True))
    LaneSchedule.objects.bulk_create(
        [LaneSchedule(campaign_id=pk, lane=Lane.QUALIFY) for pk in active], ignore_conflicts=True
    )
    with transaction.atomic():
        rows = LaneSchedule.objects.select_for_update(skip_locked=True).filter(
            Q(next_run_at__isnull=True) | Q(next_run_at__lte=now),
            lane=Lane.QUALIFY, account__isnull=True, campaign_id__in=active,
        )  # fmt: skip
        ids = list(rows.values_list("pk", "campaign_id"))
        LaneSchedule.objects.filter(pk__in=[pk for pk, _ in ids]).update(next_run_at=now + lease)
    return [campaign_id for _, campaign_id in ids]


def dispatch_due(now: datetime | None = None, send: bool = True) -> dict[str, int]:
    """Queue `tick_account` for each due account (on its own queue) and `tick_campaign` for each due
    campaign (on the qualifier queue). `send=False` only leases (for the benchmark)."""
    from outreach.tasks import tick_account, tick_campaign

    now = now or timezone.now()
    lease = timedelta(seconds=settings.ENGINE_ACCOUNT_LEASE_SECONDS)
    accounts = _lease_accounts(now, lease)
    campaigns = _lease_campaigns(now, lease)
    if send:
        # A tick nobody ran within its lease is dropped: the next beat queues a fresh one.
        expires = lease.total_seconds()
        for account_id in accounts:
            tick_account.apply_async(kwargs={"account_id": account_id}, expires=expires)
        for campaign_id in campaigns:
            tick_campaign.apply_async(kwargs={"campaign_id": campaign_id}, expires=expires)
    return {"accounts": len(accounts), "campaigns": len(campaigns)}


def finish_account_tick(account_id: int, gap_seconds: float) -> None:
    """Release the account's lease: its next tick comes after `gap_seconds`."""
    nxt = timezone.now() + timedelta(seconds=gap_seconds)
    LinkedInAccount.objects.filter(pk=account_id).update(next_action_at=nxt)
