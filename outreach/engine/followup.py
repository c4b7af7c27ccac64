"""The follow-up lane: CONNECTED → message sent → COMPLETED, one message per deal, ever.

Composing (template + LLM) runs as its own task on the `llm` queue and stores the draft as a
`Message` (approved, or awaiting a human); this lane only sends approved messages, under a
follow-up claim, and checks the conversation first when an earlier attempt died mid-send.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from crm.models import Deal, Message, MessageStatus, Stage
from crm.services import deal_move
from outreach.engine.connect import LaneStop, _tomorrow
from outreach.engine.limits import LimitReached, claim_action, claim_done, claim_release, leads_of
from outreach.engine.messages import mark_sent, outgoing
from outreach.engine.models import ClaimKind
from outreach.engine.safety import blocked_by_conflict


def BEFORE_SENDING(errors) -> tuple[type[Exception], ...]:
    return (
        errors.ProfileUnavailable,
        errors.ElementMissing,
        errors.RateLimited,
        errors.LoginFailed,
        errors.CheckpointRequired,
        errors.SessionExpired,
    )


def _request_compose(deal: Deal) -> None:
    """Queue the composition once (again after ENGINE_LLM_RETRY_SECONDS, e.g. the LLM was down)."""
    asked = deal.next_step.get("compose_requested_at")
    now = timezone.now()
    if asked and now - datetime.fromisoformat(asked) < timedelta(seconds=settings.ENGINE_LLM_RETRY_SECONDS):
        return
    deal.next_step = {**deal.next_step, "compose_requested_at": now.isoformat()}
    deal.save(update_fields=["next_step", "updated_at"])
    from outreach.tasks import compose_followup

    compose_followup.delay(deal_id=deal.pk)


def _already_sent(session, public_id: str, text: str) -> bool:
    from outreach.linkedin import actions

    first_line = text.strip().splitlines()[0][:80]
    return any(
        m["direction"] == "out" and first_line in m["text"] for m in actions.read_conversation(session, public_id)
    )


def followup_candidates(account, campaign):
    return (
        Deal.objects.filter(campaign=campaign, stage=Stage.CONNECTED)
        .filter(leads_of(account))
        .exclude(next_step__has_key="conflict")
        .select_related("lead", "campaign", "team")
        .order_by("stage_changed_at")
    )


def run_follow_up(session, account, campaign) -> bool:
    """Send one approved follow-up (or finish a deal whose message went out). True if it acted."""
    from outreach.linkedin import actions, errors

    for deal in followup_candidates(account, campaign)[:50]:
        if blocked_by_conflict(deal, account):
            continue
        message = outgoing(deal)
        if message is None:
            if not Message.objects.filter(lead=deal.lead, campaign=campaign, status=MessageStatus.REJECTED).exists():
                _request_compose(deal)
            continue
        if message.status == MessageStatus.SENT:
            deal_move(deal=deal, to=Stage.COMPLETED, account=account, reason="follow-up sent")
            continue
        if message.status not in (MessageStatus.APPROVED, MessageStatus.SENDING):  # SENDING: a worker died
            continue  # awaiting a human
        try:
            got = claim_action(account=account, kind=ClaimKind.FOLLOWUP, lead=deal.lead, campaign=campaign)
        except LimitReached as exc:
            raise LaneStop(exc.detail, _tomorrow(account)) from exc
        if not got.may_act:
            if got.state == "done":
                mark_sent(message)
                deal_move(deal=deal, to=Stage.COMPLETED, account=account, reason="follow-up sent")
            continue
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, account=account)
        public_id = deal.lead.public_id
        if got.state == "resumed" and _already_sent(session, public_id, message.text):
            pass  # the earlier attempt got through before its worker died
        else:
            try:
                actions.send_message(session, public_id, message.text)
            except BEFORE_SENDING(errors) as exc:  # typed errors raised before anything was sent
                claim_release(got.claim, str(exc))
                Message.objects.filter(pk=message.pk).update(status=MessageStatus.APPROVED)
                if isinstance(exc, errors.ProfileUnavailable | errors.ElementMissing):
                    return True  # this lead only; the lane waits its interval
                raise
            # Any other failure (a crash mid-send) keeps the claim: the next attempt is "resumed" and
            # reads the conversation before sending again.
        claim_done(got.claim, "message sent")
        mark_sent(message)
        deal_move(deal=deal, to=Stage.COMPLETED, account=account, reason="follow-up sent")
        return True
    return False
