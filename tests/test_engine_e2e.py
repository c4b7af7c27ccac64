"""End to end through real Celery: beat + a general worker + one browser worker per account (the
supervisor), on a private Redis, against the simulator with the stub LLM.

An empty campaign goes: keywords from the LLM → search → leads discovered → enriched → embedded →
qualified → invited (within the daily limit) → accepted → followed up → COMPLETED, every step an
Activity row. Fault cases: LLM down at the start, a browser worker killed mid-invitation, Redis
restarted (its queued messages lost).
"""

import os
import signal
import time
from pathlib import Path

import pytest
from django.utils import timezone

from crm.models import Activity, Deal, Lead, Message, MessageStatus, Stage
from outreach.engine.models import ActionClaim, ClaimKind, ClaimStatus
from outreach.models import SearchKeyword
from qualifier.models import Embedding, Label
from tests.factories import CampaignFactory, DealFactory, LeadFactory, LinkedInAccountFactory, TeamFactory

pytestmark = [pytest.mark.redis, pytest.mark.browser, pytest.mark.slow]
EMAIL = "e2e-seller@example.com"
FOLLOW_UP = "Thanks for connecting! We help teams like yours ship faster. Would a short call next week suit you?"


def _account_and_campaign(**campaign_fields):
    team = TeamFactory()
    account = LinkedInAccountFactory(
        team=team, username=EMAIL, password="sandbox", status="needs_login", active_hours_start=0,
        active_hours_end=24, connect_daily_limit=3, connect_weekly_limit=10,
    )  # fmt: skip
    fields = {"min_action_interval": 0, "check_pending_after_hours": 0, "min_qualifiable_leads": 8, **campaign_fields}
    campaign = CampaignFactory(team=team, active=True, **fields)
    campaign.accounts.add(account)
    return account, campaign


def _kinds(campaign) -> set[str]:
    return set(Activity.objects.filter(team=campaign.team).values_list("kind", flat=True))


def test_an_empty_campaign_runs_to_completed_deals_through_beat_and_workers(sim, llm_settings, celery_stack):
    llm_settings.keyword_reply = ["founder", "cto", "engineer"]
    llm_settings.text_reply = FOLLOW_UP
    llm_settings.set_mode("error500")  # the LLM is down when the campaign starts
    account, campaign = _account_and_campaign()
    stack = celery_stack()
    stack.worker("default", name="ticks")
    stack.worker("qualifier,llm")
    stack.browsers()
    stack.beat()

    stack.wait_for(
        lambda: Activity.objects.filter(kind="keywords", result="failed").exists(), 90, what="a failed keyword refill"
    )
    llm_settings.set_mode("ok")  # the LLM comes back: the refill is asked again
    stack.wait_for(lambda: SearchKeyword.objects.filter(campaign=campaign, used=True).exists(), 60, what="a search")
    stack.wait_for(lambda: Deal.objects.filter(campaign=campaign, stage=Stage.COMPLETED).exists(), 150,
                   what="a completed deal")  # fmt: skip

    team_leads = Lead.objects.filter(team=campaign.team)
    assert team_leads.filter(source_campaign=campaign).count() >= 10  # discovered by search
    assert team_leads.filter(enriched_at__isnull=False).exists()
    assert Embedding.objects.filter(lead__team=campaign.team).exists()
    assert Label.objects.filter(campaign=campaign, source="llm").exists()
    done = Deal.objects.get(campaign=campaign, stage=Stage.COMPLETED)
    message = Message.objects.get(lead=done.lead, campaign=campaign)
    assert message.status == MessageStatus.SENT and message.text.startswith(FOLLOW_UP)
    assert message.text.endswith(campaign.booking_link)
    sim_account = sim.state.accounts[EMAIL]
    sent = [" ".join(text.split()) for pid, text in sim_account.messages if pid == done.lead.public_id]
    assert sent == [" ".join(message.text.split())]  # once, as composed (the text box folds blank lines)
    assert {"keywords", "search", "discover", "scrape", "compose", "connect", "stage", "message"} <= _kinds(campaign)
    # The daily limit holds: 3 connection claims, never more, whatever the workers do next.
    stack.wait_for(lambda: ActionClaim.objects.filter(kind=ClaimKind.CONNECT).count() >= 3, 60, what="3 invitations")
    time.sleep(3)
    assert ActionClaim.objects.filter(kind=ClaimKind.CONNECT, account=account).count() == 3
    assert sim_account.invitations_sent <= 3
    assert len(sim_account.messages) == len({pid for pid, _ in sim_account.messages})  # one message per lead


def _account_worker_pid(supervisor_pid: int, account_id: int) -> int | None:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == supervisor_pid and f"account.{account_id}".encode() in cmdline:
            return int(entry)
    return None


def test_a_killed_worker_and_a_restarted_redis_lose_no_work_and_duplicate_nothing(sim, celery_stack, redis_server):
    account, campaign = _account_and_campaign(min_qualifiable_leads=0)
    person = next(p for p in sim.people_where(layout="connect", initial="none"))
    lead = LeadFactory(team=campaign.team, public_id=person["public_id"], enriched_at=timezone.now())
    deal = DealFactory(lead=lead, campaign=campaign, team=campaign.team)
    sim.state.config["accept_after_seconds"] = 3600
    stack = celery_stack()
    browsers = stack.browsers()
    stack.wait_for(lambda: _account_worker_pid(browsers.pid, account.pk), 30, what="the account's worker")
    # Log in first, then slow LinkedIn down so the invitation is under way when the worker dies.
    from outreach.tasks import test_login

    assert test_login.apply_async(kwargs={"account_id": account.pk}).get(timeout=90)["ok"]
    sim.set_fault("slow", 4)
    stack.worker("default", name="ticks")
    stack.beat()
    claim = stack.wait_for(lambda: ActionClaim.objects.filter(lead=lead).first(), 60, what="the connect claim")
    time.sleep(1.5)  # the browser is on the profile page, waiting for the slow simulator
    victim = _account_worker_pid(browsers.pid, account.pk)
    os.kill(victim, signal.SIGKILL)
    sim.clear_faults()
    stack.wait_for(lambda: Deal.objects.get(pk=deal.pk).stage == Stage.PENDING, 90, what="the invitation")
    assert _account_worker_pid(browsers.pid, account.pk) not in (None, victim)  # restarted by the supervisor
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DONE and claim.attempts == 2  # resumed after the kill, checked first
    assert sim.state.accounts[EMAIL].invitations_sent == 1

    redis_server.restart(down_seconds=2)  # queued messages are gone; beat and workers reconnect
    second = next(p for p in sim.people_where(layout="more", initial="none"))
    lead2 = LeadFactory(team=campaign.team, public_id=second["public_id"], enriched_at=timezone.now())
    deal2 = DealFactory(lead=lead2, campaign=campaign, team=campaign.team)
    stack.wait_for(lambda: Deal.objects.get(pk=deal2.pk).stage == Stage.PENDING, 120, what="work after Redis restart")
    assert sim.state.accounts[EMAIL].invitations_sent == 2
