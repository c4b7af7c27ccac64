"""An account's usage against its limits, as progress bars for the accounts screens."""

from outreach.engine.limits import usage
from outreach.models import LinkedInAccount


def account_usage(account: LinkedInAccount) -> dict:
    counts = usage(account)
    rows = [
        ("Invitations today", counts["connect_today"], account.connect_daily_limit),
        ("Invitations this week", counts["connect_week"], account.connect_weekly_limit),
        ("Follow-ups today", counts["followup_today"], account.followup_daily_limit),
    ]
    bars = [
        {"label": label, "used": used, "limit": limit, "full": bool(limit) and used >= limit}
        for label, used, limit in rows
    ]
    return {"bars": bars, "weekly_exhausted": bool(counts["weekly_exhausted"])}
