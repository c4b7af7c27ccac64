"""An account's usage against its limits, for the progress bars on the accounts screens."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from crm.models import Activity, ActivityResult
from outreach.models import LinkedInAccount


def _counted_from_activity(account: LinkedInAccount) -> dict:
    """Successful connect/message activities today and in the last 7 days (until the engine's own
    `outreach.engine.limits.usage` is installed)."""
    now = timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = Activity.objects.filter(
        account=account, result=ActivityResult.OK, created_at__gte=now - timedelta(days=7)
    ).aggregate(
        connect_today=Count("pk", filter=Q(kind="connect", created_at__gte=day_start)),
        connect_week=Count("pk", filter=Q(kind="connect")),
        followup_today=Count("pk", filter=Q(kind="message", created_at__gte=day_start)),
    )
    exhausted = account.weekly_exhausted_until is not None and account.weekly_exhausted_until > now
    return {**counts, "weekly_exhausted": exhausted}


def account_usage(account: LinkedInAccount) -> dict:
    try:
        from outreach.engine.limits import usage
    except ImportError:
        counts = _counted_from_activity(account)
    else:
        counts = usage(account)
    rows = [
        ("Invitations today", counts.get("connect_today", 0), account.connect_daily_limit),
        ("Invitations this week", counts.get("connect_week", 0), account.connect_weekly_limit),
        ("Follow-ups today", counts.get("followup_today", 0), account.followup_daily_limit),
    ]
    bars = [
        {"label": label, "used": used, "limit": limit, "full": limit and used >= limit} for label, used, limit in rows
    ]
    return {"bars": bars, "weekly_exhausted": bool(counts.get("weekly_exhausted"))}
