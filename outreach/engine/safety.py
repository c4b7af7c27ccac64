"""Conversation safety: a lead already contacted through one campaign of the team is not contacted
by another without a human decision.

A conflicting deal gets `next_step["conflict"]` (a sentence the UI shows as a warning) and one
`Activity(kind="conflict", result="skipped")`; lanes skip it until a human calls
`outreach.engine.control.resolve_conflict` (allow → `conflict_override`, deny → FAILED).
"""

from crm.models import Deal, Message, MessageStatus
from crm.services import activity_log
from outreach.engine.models import ActionClaim, ClaimKind, ClaimStatus

CONTACTED_MESSAGE = (MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.RECEIVED, MessageStatus.APPROVED)


def other_campaign_in_contact(deal: Deal):
    """The other campaign of the team through which this lead was invited or messaged, if any."""
    invited = (
        ActionClaim.objects.filter(kind=ClaimKind.CONNECT, lead_id=deal.lead_id)
        .exclude(status=ClaimStatus.RELEASED)
        .exclude(campaign_id=deal.campaign_id)
        .exclude(campaign__isnull=True)
        .select_related("campaign")
        .first()
    )
    if invited is not None:
        return invited.campaign
    messaged = (
        Message.objects.filter(lead_id=deal.lead_id, status__in=CONTACTED_MESSAGE)
        .exclude(campaign_id=deal.campaign_id)
        .exclude(campaign__isnull=True)
        .select_related("campaign")
        .first()
    )
    return messaged.campaign if messaged is not None else None


def blocked_by_conflict(deal: Deal, account=None) -> bool:
    """True (and flag the deal once, visibly) when another campaign is already talking to the lead."""
    if deal.next_step.get("conflict_override"):
        return False
    if deal.next_step.get("conflict"):
        return True
    other = other_campaign_in_contact(deal)
    if other is None:
        return False
    note = f"Already in conversation through campaign “{other.name}”: not contacted until someone decides."
    deal.next_step = {**deal.next_step, "conflict": note, "conflict_campaign_id": other.pk}
    deal.save(update_fields=["next_step", "updated_at"])
    activity_log(
        team=deal.team,
        kind="conflict",
        lead=deal.lead,
        campaign=deal.campaign,
        account=account,
        result="skipped",
        detail=note,
        data={"other_campaign_id": other.pk, "deal_id": deal.pk},
    )
    return True
