"""Start, pause and resume campaigns and accounts (called by the UI).

The dispatcher and every lane re-read `active`/`status` before acting, so a pause stops work
within one tick (at most the action already under way finishes); resuming makes the lanes due now.
"""

from crm.models import Deal, Stage
from crm.services import activity_log, deal_move
from outreach.engine.models import LaneSchedule
from outreach.models import AccountStatus, Campaign, LinkedInAccount


def start_campaign(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(active=True)
    LaneSchedule.objects.filter(campaign=campaign).update(next_run_at=None)
    campaign.active = True


def pause_campaign(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(active=False)
    campaign.active = False


def pause_account(account: LinkedInAccount) -> None:
    LinkedInAccount.objects.filter(pk=account.pk).update(active=False, status=AccountStatus.PAUSED)
    account.refresh_from_db()


def resume_account(account: LinkedInAccount) -> None:
    status = AccountStatus.OK if account.session_state else AccountStatus.NEEDS_LOGIN
    LinkedInAccount.objects.filter(pk=account.pk).update(active=True, status=status, next_action_at=None)
    LaneSchedule.objects.filter(account=account).update(next_run_at=None)
    account.refresh_from_db()


def resolve_conflict(deal: Deal, *, allow: bool, user) -> Deal:
    """A human decides on a lead already in conversation through another campaign:
    allow → this campaign may contact it; deny → the deal fails."""
    note = deal.next_step.get("conflict", "")
    if allow:
        deal.next_step = {k: v for k, v in deal.next_step.items() if k != "conflict"} | {"conflict_override": True}
        deal.save(update_fields=["next_step", "updated_at"])
        activity_log(team=deal.team, kind="conflict", lead=deal.lead, campaign=deal.campaign, user=user,
                     detail=f"allowed by {user}: {note}")  # fmt: skip
        return deal
    if deal.stage in (Stage.COMPLETED, Stage.FAILED):
        return deal
    return deal_move(deal=deal, to=Stage.FAILED, user=user, reason=f"not contacted: {note}")
