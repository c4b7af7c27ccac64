"""The lanes, in-process, with the real browser layer against the simulator (no Celery here)."""

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.utils import timezone

from crm.models import Activity, Deal, Message, MessageStatus, Stage
from crm.services import lead_discover
from outreach.engine.control import pause_campaign, resolve_conflict
from outreach.engine.lanes import run_account_tick
from outreach.engine.limits import usage
from outreach.engine.messages import prepare_followup
from outreach.engine.models import ActionClaim, ClaimKind, ClaimStatus, Lane, LaneSchedule
from tests.factories import CampaignFactory, DealFactory, LeadFactory, LinkedInAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
EMAIL = "seller@example.com"


@pytest.fixture
def fast(settings, playwright):
    from outreach.linkedin import session as browser_sessions

    browser_sessions.use_playwright(playwright)  # the test's driver, as the browser layer's tests do
    settings.HUMAN_DELAY_MIN = 0
    settings.HUMAN_DELAY_MAX = 0.01
    settings.TYPING_DELAY_MIN_MS = 0
    settings.TYPING_DELAY_MAX_MS = 1
    settings.ENGINE_ENRICH_MIN_INTERVAL = 0
    settings.LLM_API_KEY = ""
    yield
    from outreach.linkedin.session import close_all

    close_all()


@pytest.fixture
def setup(sim, fast):
    account = LinkedInAccountFactory(
        username=EMAIL, password="sandbox", active_hours_start=0, active_hours_end=24, status="needs_login"
    )
    campaign = CampaignFactory(
        team=account.team,
        active=True,
        min_action_interval=0,
        check_pending_after_hours=0,
        followup_template="Hi {{ first_name }}, thanks for connecting! We make {{ product_description }}",
    )
    campaign.accounts.add(account)
    return sim, account, campaign


def _deal(sim, campaign, layout="connect"):
    person = next(p for p in sim.people_where(layout=layout, initial="none") if not Deal.objects.filter(
        lead__public_id=p["public_id"]).exists())  # fmt: skip
    lead = LeadFactory(
        team=campaign.team,
        public_id=person["public_id"],
        first_name=person.get("first_name", "Ann"),
        linkedin_url=f"{sim.url}/in/{person['public_id']}/",
        enriched_at=timezone.now(),
    )
    return DealFactory(lead=lead, campaign=campaign, team=campaign.team, score=0.9)


def test_a_deal_goes_from_invitation_to_completed_and_nothing_is_sent_twice(setup):
    sim, account, campaign = setup
    sim.state.config["accept_after_seconds"] = 1.0
    deal = _deal(sim, campaign)
    assert run_account_tick(account.pk) == f"connect:{campaign.pk}"
    deal.refresh_from_db()
    assert deal.stage == Stage.PENDING
    sim_account = sim.state.accounts[EMAIL]
    assert deal.lead.public_id in sim_account.invitations
    time.sleep(1.0)  # the simulator accepts after a second
    assert run_account_tick(account.pk) == f"check_pending:{campaign.pk}"
    deal.refresh_from_db()
    assert deal.stage == Stage.CONNECTED
    # No message yet: composing was queued (llm queue); the tick fills the gap (enriching the
    # profiles auto-discovered on the pages it visited).
    assert run_account_tick(account.pk) in ("enrich", "idle")
    assert account.team.leads.filter(source_campaign=campaign).count() > 1
    assert "compose_requested_at" in Deal.objects.get(pk=deal.pk).next_step
    prepare_followup(deal)  # what the compose task does
    assert run_account_tick(account.pk) == f"follow_up:{campaign.pk}"
    deal.refresh_from_db()
    assert deal.stage == Stage.COMPLETED
    assert [text for pid, text in sim_account.messages] == [
        "Hi Ann, thanks for connecting! We make A CRM for small logistics companies.\n\nhttps://cal.example.com/demo"
    ] or len(sim_account.messages) == 1
    assert Message.objects.get(lead=deal.lead).status == MessageStatus.SENT
    for _ in range(2):
        run_account_tick(account.pk)
    assert sim_account.invitations_sent == 1 and len(sim_account.messages) == 1
    assert usage(account)["connect_today"] == 1 and usage(account)["followup_today"] == 1
    kinds = set(Activity.objects.filter(lead=deal.lead).values_list("kind", flat=True))
    assert {"connect", "stage", "status", "message", "compose"} <= kinds


def test_a_claim_left_by_a_dead_worker_is_resumed_without_a_second_invitation(setup):
    sim, account, campaign = setup
    sim.state.config["accept_after_seconds"] = 3600
    deal = _deal(sim, campaign)
    sim_account = sim.state.add_account(EMAIL, "sandbox")
    sim.state.invite(sim_account, deal.lead.public_id)  # the dead worker's click got through
    ActionClaim.objects.create(
        team=account.team, account=account, kind=ClaimKind.CONNECT, lead=deal.lead, campaign=campaign,
        day=timezone.localdate(),
    )  # fmt: skip
    assert run_account_tick(account.pk) == f"connect:{campaign.pk}"
    deal.refresh_from_db()
    assert deal.stage == Stage.PENDING
    assert sim_account.invitations_sent == 1
    assert ActionClaim.objects.get().status == ClaimStatus.DONE


def test_linkedins_weekly_limit_popup_stops_invitations_and_gives_the_claim_back(setup):
    sim, account, campaign = setup
    deal = _deal(sim, campaign)
    sim.set_fault("weekly_limit")
    run_account_tick(account.pk)
    deal.refresh_from_db()
    account.refresh_from_db()
    assert deal.stage == Stage.NEW
    assert account.weekly_exhausted_until > timezone.now()
    assert usage(account)["connect_today"] == 0 and usage(account)["weekly_exhausted"]
    lane = LaneSchedule.objects.get(campaign=campaign, account=account, lane=Lane.CONNECT)
    assert lane.next_run_at > timezone.now() and "weekly" in lane.last_result


def test_a_lead_in_conversation_through_another_campaign_is_not_contacted_without_a_decision(setup):
    sim, account, campaign = setup
    deal = _deal(sim, campaign)
    other = CampaignFactory(team=account.team, name="Spring promo")
    Message.objects.create(team=account.team, lead=deal.lead, campaign=other, text="Hello!", status="sent")
    run_account_tick(account.pk)
    deal.refresh_from_db()
    assert deal.stage == Stage.NEW and "Spring promo" in deal.next_step["conflict"]
    assert Activity.objects.get(kind="conflict").result == "skipped"
    assert not sim.state.accounts[EMAIL].invitations_sent
    resolve_conflict(deal, allow=True, user=None)
    assert run_account_tick(account.pk) == f"connect:{campaign.pk}"
    assert Deal.objects.get(pk=deal.pk).stage in (Stage.PENDING, Stage.CONNECTED)


def test_a_paused_campaign_does_nothing_on_its_next_tick(setup):
    sim, account, campaign = setup
    deal = _deal(sim, campaign)
    pause_campaign(campaign)
    assert run_account_tick(account.pk) == "idle"
    assert Deal.objects.get(pk=deal.pk).stage == Stage.NEW


def test_discovered_leads_are_enriched_between_major_actions(setup):
    sim, account, campaign = setup
    ids = [p["public_id"] for p in sim.people_where(initial="none")[:2]]
    for public_id in ids:
        lead_discover(team=account.team, public_id=public_id, url=f"{sim.url}/in/{public_id}/", campaign=campaign)
    assert run_account_tick(account.pk) == "enrich"
    enriched = list(account.team.leads.filter(public_id__in=ids).values_list("enriched_at", "headline"))
    assert all(at is not None and headline for at, headline in enriched)


def _chromium_descendants(root: int) -> list[int]:
    """Pids of the Chromium processes under `root` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            stack.append(child)
            try:
                if b"chrom" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(child)
            except OSError:
                pass
    return found


def test_a_browser_crash_mid_invitation_is_recovered_without_a_second_invitation(setup):
    from outreach.linkedin.session import get_session

    sim, account, campaign = setup
    sim.state.config["accept_after_seconds"] = 3600
    deal = _deal(sim, campaign)
    get_session(account).ensure_logged_in()
    sim.set_fault("slow", 1.5)

    def crash():
        time.sleep(0.6)
        for pid in _chromium_descendants(os.getpid()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=crash)
    killer.start()
    with pytest.raises(Exception):  # noqa: B017 - whatever the dying browser raised; the tick records it
        run_account_tick(account.pk)
    killer.join()
    assert Activity.objects.filter(kind="tick", result="failed").exists()
    assert ActionClaim.objects.get().status == ClaimStatus.CLAIMED  # unknown outcome: kept, not released
    sim.clear_faults()
    assert run_account_tick(account.pk) == f"connect:{campaign.pk}"  # a fresh browser, the claim resumed
    deal.refresh_from_db()
    assert deal.stage == Stage.PENDING
    assert sim.state.accounts[EMAIL].invitations_sent == 1
    assert ActionClaim.objects.get().attempts == 2


def _connected_deal(sim, account, campaign, invited_by_engine=True):
    deal = _deal(sim, campaign)
    sim.make_connected(EMAIL, deal.lead.public_id)
    if invited_by_engine:
        ActionClaim.objects.create(
            team=account.team, account=account, kind=ClaimKind.CONNECT, lead=deal.lead, campaign=campaign,
            day=timezone.localdate(), status=ClaimStatus.DONE,
        )  # fmt: skip
    Deal.objects.filter(pk=deal.pk).update(stage=Stage.CONNECTED)
    deal.refresh_from_db()
    return deal


def test_a_message_awaiting_approval_is_sent_only_after_a_human_approves_it(setup):
    from outreach.engine.messages import approve_message

    sim, account, campaign = setup
    campaign.require_message_approval = True
    campaign.save()
    deal = _connected_deal(sim, account, campaign, invited_by_engine=False)  # moved by hand on the board
    message = prepare_followup(deal)
    assert message.status == MessageStatus.AWAITING_APPROVAL
    run_account_tick(account.pk)
    assert not sim.state.accounts[EMAIL].messages and Deal.objects.get(pk=deal.pk).stage == Stage.CONNECTED
    approve_message(message, "Hi! Edited by a human before sending.", user=None)
    assert run_account_tick(account.pk) == f"follow_up:{campaign.pk}"
    assert [text for _, text in sim.state.accounts[EMAIL].messages] == ["Hi! Edited by a human before sending."]
    assert Deal.objects.get(pk=deal.pk).stage == Stage.COMPLETED


def test_a_follow_up_whose_worker_died_after_sending_is_not_sent_again(setup):
    sim, account, campaign = setup
    deal = _connected_deal(sim, account, campaign)
    message = prepare_followup(deal)
    sim.state.send_message(sim.state.accounts[EMAIL], deal.lead.public_id, message.text)  # it got through
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING)
    ActionClaim.objects.create(
        team=account.team, account=account, kind=ClaimKind.FOLLOWUP, lead=deal.lead, campaign=campaign,
        scope=campaign.pk, day=timezone.localdate(),
    )  # fmt: skip
    assert run_account_tick(account.pk) == f"follow_up:{campaign.pk}"
    assert len(sim.state.accounts[EMAIL].messages) == 1
    assert Deal.objects.get(pk=deal.pk).stage == Stage.COMPLETED
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT
