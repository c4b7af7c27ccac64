"""Daily and weekly limits per LinkedIn account, enforced by atomic action claims.

Every invitation or follow-up is preceded by `claim_action`, which in one transaction locks the
account row (`select_for_update` on PostgreSQL; SQLite's IMMEDIATE transactions already serialise
writers), counts the claims of the account-local day and ISO week, and inserts the claim only if a
limit is left. Claims are unique per (kind, lead, scope), so a retried or twice-delivered task finds
the earlier claim instead of acting again. Limits are shared by all campaigns of the account and
reset by themselves: they count claims whose `day` is today (or this week) on the account's clock.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from outreach.engine.models import ActionClaim, ClaimKind, ClaimStatus
from outreach.engine.pacing import local_day, local_now, week_start
from outreach.models import LinkedInAccount

COUNTED = (ClaimStatus.CLAIMED, ClaimStatus.DONE)
WEEKLY_EXHAUSTED_DAYS = 7


class LimitReached(Exception):
    """The account has no invitation (or follow-up) left today or this week."""

    def __init__(self, account: LinkedInAccount, kind: str, detail: str) -> None:
        self.account, self.kind, self.detail = account, kind, detail
        super().__init__(f"{account}: {detail}")


@dataclass(frozen=True)
class Claim:
    """The outcome of `claim_action`.

    state: "new" (go ahead), "resumed" (this account claimed it before and did not finish: check
    LinkedIn before acting again), "done" (already happened: do not act), "taken" (another account
    holds it).
    """

    claim: ActionClaim
    state: str

    @property
    def may_act(self) -> bool:
        return self.state in ("new", "resumed")


def _counts(account: LinkedInAccount, now: datetime | None = None) -> dict[str, int]:
    today = local_day(account, now)
    monday = week_start(today)
    qs = ActionClaim.objects.filter(account=account, status__in=COUNTED, day__gte=monday, day__lte=today)
    rows = list(qs.values_list("kind", "day"))
    return {
        "connect_today": sum(1 for k, d in rows if k == ClaimKind.CONNECT and d == today),
        "connect_week": sum(1 for k, _ in rows if k == ClaimKind.CONNECT),
        "followup_today": sum(1 for k, d in rows if k == ClaimKind.FOLLOWUP and d == today),
    }


def weekly_exhausted(account: LinkedInAccount, now: datetime | None = None) -> bool:
    until = account.weekly_exhausted_until
    return until is not None and until > (now or timezone.now())


def usage(account: LinkedInAccount, now: datetime | None = None) -> dict:
    """What the account has used today and this week, next to its limits (for the UI and lanes)."""
    counts = _counts(account, now)
    return {
        **counts,
        "connect_daily_limit": account.connect_daily_limit,
        "connect_weekly_limit": account.connect_weekly_limit,
        "followup_daily_limit": account.followup_daily_limit,
        "weekly_exhausted": weekly_exhausted(account, now),
        "weekly_exhausted_until": account.weekly_exhausted_until,
        "local_day": local_day(account, now),
    }


def _check_limit(account: LinkedInAccount, kind: str, now: datetime) -> None:
    counts = _counts(account, now)
    if kind == ClaimKind.CONNECT:
        if weekly_exhausted(account, now):
            until = account.weekly_exhausted_until
            raise LimitReached(account, kind, f"LinkedIn's weekly limit until {until:%Y-%m-%d}")
        if counts["connect_today"] >= account.connect_daily_limit:
            raise LimitReached(account, kind, f"daily connection limit of {account.connect_daily_limit} reached")
        if counts["connect_week"] >= account.connect_weekly_limit:
            raise LimitReached(account, kind, f"weekly connection limit of {account.connect_weekly_limit} reached")
    elif counts["followup_today"] >= account.followup_daily_limit:
        raise LimitReached(account, kind, f"daily follow-up limit of {account.followup_daily_limit} reached")


def claim_action(*, account: LinkedInAccount, kind: str, lead, campaign=None, now: datetime | None = None) -> Claim:
    """Take the right to act on `lead`, or raise `LimitReached`. See `Claim` for the states."""
    kind = ClaimKind(kind)
    scope = 0 if kind == ClaimKind.CONNECT else campaign.pk
    now = now or timezone.now()
    with transaction.atomic():
        locked = LinkedInAccount.objects.select_for_update().get(pk=account.pk)
        existing = ActionClaim.objects.filter(kind=kind, lead=lead, scope=scope).first()
        if existing is not None and existing.status == ClaimStatus.DONE:
            return Claim(existing, "done")
        if existing is not None and existing.status == ClaimStatus.CLAIMED:
            if existing.account_id != locked.pk:
                return Claim(existing, "taken")
            existing.attempts += 1
            existing.save(update_fields=["attempts"])
            return Claim(existing, "resumed")
        _check_limit(locked, kind, now)
        if existing is not None:  # released earlier: take it again, counted today
            existing.status, existing.account, existing.day = ClaimStatus.CLAIMED, locked, local_day(locked, now)
            existing.campaign, existing.attempts, existing.created_at = campaign, existing.attempts + 1, now
            existing.save()
            return Claim(existing, "new")
        try:
            with transaction.atomic():
                claim = ActionClaim.objects.create(
                    team_id=lead.team_id,
                    account=locked,
                    kind=kind,
                    lead=lead,
                    campaign=campaign,
                    scope=scope,
                    day=local_day(locked, now),
                    created_at=now,
                )
        except IntegrityError:  # another account claimed the same lead a moment ago
            return Claim(ActionClaim.objects.get(kind=kind, lead=lead, scope=scope), "taken")
    return Claim(claim, "new")


def claim_done(claim: ActionClaim, detail: str = "") -> None:
    ActionClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DONE, done_at=timezone.now(), detail=detail[:500])
    claim.status = ClaimStatus.DONE


def claim_release(claim: ActionClaim, detail: str = "") -> None:
    """The action did not happen (a typed error before anything was sent): give the limit back."""
    ActionClaim.objects.filter(pk=claim.pk, status=ClaimStatus.CLAIMED).update(
        status=ClaimStatus.RELEASED, detail=detail[:500]
    )
    claim.status = ClaimStatus.RELEASED


def mark_weekly_exhausted(account: LinkedInAccount, until: datetime | None = None) -> None:
    """LinkedIn showed its weekly-limit popup: no invitations until next local Monday (or `until`)."""
    if until is None:
        local = local_now(account)
        monday = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=7 - local.weekday())
        until = monday.astimezone(timezone.UTC)
    LinkedInAccount.objects.filter(pk=account.pk).update(weekly_exhausted_until=until)
    account.weekly_exhausted_until = until


def leads_of(account: LinkedInAccount):
    """Q for deals this account looks after: leads it invited, and leads nobody invited through the
    engine (e.g. moved by hand on the board), which any account of the campaign may take."""
    from django.db.models import Exists, OuterRef, Q

    invited = ActionClaim.objects.filter(kind=ClaimKind.CONNECT, status__in=COUNTED)
    mine = invited.filter(account=account).values("lead_id")
    return Q(lead_id__in=mine) | ~Q(Exists(invited.filter(lead_id=OuterRef("lead_id"))))


def connect_account_for(lead) -> int | None:
    """The account that sent (or is sending) the invitation to `lead`, if any."""
    return (
        ActionClaim.objects.filter(kind=ClaimKind.CONNECT, lead=lead, status__in=COUNTED)
        .values_list("account_id", flat=True)
        .first()
    )
