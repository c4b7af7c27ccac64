"""When each lane may run next (`LaneSchedule` rows), and leases that keep a tick from being queued twice."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from outreach.engine.models import LaneSchedule
from outreach.engine.pacing import jittered


def _row(campaign, account, lane: str) -> LaneSchedule:
    row, _ = LaneSchedule.objects.get_or_create(campaign=campaign, account=account, lane=lane)
    return row


def lane_due(campaign, account, lane: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    row = LaneSchedule.objects.filter(campaign=campaign, account=account, lane=lane).first()
    return row is None or row.next_run_at is None or row.next_run_at <= now


def lane_ran(
    campaign,
    account,
    lane: str,
    *,
    acted: bool,
    interval: float = 0.0,
    result: str = "",
    until: datetime | None = None,
) -> None:
    """Record a lane run. One that acted waits `interval` seconds ±20 %; an idle one may run again
    at once (its check is a cheap query); `until` overrides both (e.g. a limit resets tomorrow)."""
    now = timezone.now()
    row = _row(campaign, account, lane)
    row.last_run_at = now
    row.idle = not acted
    row.last_result = result[:200]
    if until is not None:
        row.next_run_at = until
    elif acted:
        row.next_run_at = now + timedelta(seconds=jittered(interval))
    else:
        row.next_run_at = now
    row.save()


def lane_idle(campaign, account, lane: str) -> bool:
    row = LaneSchedule.objects.filter(campaign=campaign, account=account, lane=lane).first()
    return row is not None and row.idle


def take_lease(campaign, account, lane: str, seconds: float, now: datetime | None = None) -> bool:
    """Atomically claim the lane for `seconds` (queued work not yet run); False if someone holds it."""
    now = now or timezone.now()
    _row(campaign, account, lane)
    due = Q(next_run_at__isnull=True) | Q(next_run_at__lte=now)
    qs = LaneSchedule.objects.filter(due, campaign=campaign, lane=lane)
    qs = qs.filter(account=account) if account is not None else qs.filter(account__isnull=True)
    return qs.update(next_run_at=now + timedelta(seconds=seconds)) == 1
