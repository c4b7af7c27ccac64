"""Engine bench: scheduler overhead per tick, and pipeline throughput on the simulator.

1. Scheduler overhead with 50 accounts x 3 campaigns: one beat tick (`dispatch_due`: find due
   accounts and campaigns, lease each with a conditional UPDATE, enqueue one task each on a private
   Redis), and the decision part of an account tick when no lane has work (lane due checks, partner
   gating, backlog queries; no browser action).
2. End-to-end throughput with pacing 0 (min_action_interval 0, no human delays, invitations
   accepted at once), in one process: account ticks (real Chromium against the simulator) and
   campaign ticks (embeddings, qualifier, stub LLM) alternated, follow-ups composed as the llm
   worker would, from an empty campaign until the time budget; leads per minute at each stage.

`run()` measures in a child process on a scratch SQLite database.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS, CAMPAIGNS_PER_ACCOUNT, TICKS = 50, 3, 15
BUDGET_SECONDS = float(os.environ.get("BENCH_ENGINE_SECONDS", 60))


def run() -> None:
    scratch = tempfile.mkdtemp(prefix="bench-engine-")
    env = {**os.environ, "DATA_DIR": scratch, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    env.setdefault("FIELD_ENCRYPTION_KEY", "q1Xc3c7sJ2lQ2Jc2oYpZ9d9J8Sx0Xx8U5l8m3oVb0wE=")
    env.update(
        HUMAN_DELAY_MIN="0", HUMAN_DELAY_MAX="0", TYPING_DELAY_MIN_MS="0", TYPING_DELAY_MAX_MS="0",
        ENGINE_ENRICH_MIN_INTERVAL="0", ENGINE_MEAN_GAP_SECONDS="0", DJANGO_ALLOW_ASYNC_UNSAFE="true",
    )  # fmt: skip
    port = _free_port()
    redis = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    env["CELERY_BROKER_URL"] = env["CELERY_RESULT_BACKEND"] = f"redis://127.0.0.1:{port}/0"
    try:
        subprocess.run([sys.executable, "-m", "bench.engine"], env=env, cwd=ROOT, check=True)
    finally:
        redis.terminate()
        redis.wait()
        shutil.rmtree(scratch, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f} ms  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def _scheduler() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.models import Team
    from outreach.engine.dispatch import dispatch_due
    from outreach.engine.lanes import act
    from outreach.engine.models import LaneSchedule
    from outreach.linkedin.session import get_session
    from outreach.models import Campaign, LinkedInAccount

    for i in range(ACCOUNTS):
        team = Team.objects.create(name=f"Team {i}")
        account = LinkedInAccount.objects.create(
            team=team,
            username=f"a{i}@example.com",
            password="x",
            status="ok",
            active_hours_start=0,
            active_hours_end=24,
        )
        for j in range(CAMPAIGNS_PER_ACCOUNT):
            Campaign.objects.create(team=team, name=f"C{i}.{j}", active=True).accounts.add(account)

    def reset() -> None:
        LinkedInAccount.objects.update(next_action_at=None)
        LaneSchedule.objects.update(next_run_at=None)

    claim_only, with_enqueue, queries = [], [], 0
    for send, times in ((False, claim_only), (True, with_enqueue)):
        for _ in range(TICKS):
            reset()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                counts = dispatch_due(send=send)
            times.append(time.perf_counter() - started)
            queries = len(ctx.captured_queries)
            assert counts == {"accounts": ACCOUNTS, "campaigns": ACCOUNTS * CAMPAIGNS_PER_ACCOUNT}, counts
    print(f"scheduler, {ACCOUNTS} accounts x {CAMPAIGNS_PER_ACCOUNT} campaigns, one beat tick (median of {TICKS}):")
    print(f"  dispatch, leases only                     {_ms(claim_only)}  ({queries} queries)")
    print(
        f"  dispatch + enqueue {ACCOUNTS + ACCOUNTS * CAMPAIGNS_PER_ACCOUNT} tasks on Redis       {_ms(with_enqueue)}"
    )
    idle, queries = [], 0
    for _ in range(2):  # the first pass creates the lane rows; the second is the steady state
        idle = []
        for account in LinkedInAccount.objects.select_related("team"):
            campaigns = list(account.campaigns.filter(active=True))
            session = get_session(account)  # not started: an idle tick never opens the browser
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                assert act(session, account, campaigns) == "idle"
            idle.append(time.perf_counter() - started)
            queries = len(ctx.captured_queries)
    print(f"  idle account tick (decisions, no action)   {_ms(idle)}  ({queries} queries)")


def _throughput() -> None:
    from django.conf import settings

    from crm.models import Deal, Lead, Stage, Team
    from outreach.engine.lanes import run_account_tick, run_campaign_tick
    from outreach.engine.messages import outgoing, prepare_followup
    from outreach.linkedin.session import close_all
    from outreach.models import Campaign, LinkedInAccount, SearchKeyword
    from outreach.simulator.server import SimServer
    from tests.fixtures_llm import LLMStub

    sim = SimServer(port=0, seed=11, people=600).start()
    llm = LLMStub().start()
    llm.text_reply = "Thanks for connecting! We help teams like yours ship faster. Open to a short call?"
    settings.SANDBOX_BASE_URL = sim.url
    settings.LLM_API_BASE, settings.LLM_API_KEY, settings.AI_MODEL = llm.url, "stub", "stub-model"
    team = Team.objects.create(name="Throughput")
    account = LinkedInAccount.objects.create(
        team=team, username="seller@example.com", password="sandbox", is_sandbox=True, active_hours_start=0,
        active_hours_end=24, connect_daily_limit=10_000, connect_weekly_limit=10_000, followup_daily_limit=10_000,
    )  # fmt: skip
    campaign = Campaign.objects.create(
        team=team, name="Bench", active=True, min_action_interval=0, check_pending_after_hours=0,
        min_qualifiable_leads=20, product_docs="Developer tools", objective="Reach founders and CTOs",
    )  # fmt: skip
    campaign.accounts.add(account)
    for kw in ("founder", "cto", "engineer", "product manager", "head of growth", "vp engineering"):
        SearchKeyword.objects.create(campaign=campaign, keyword=kw)
    run_campaign_tick(campaign.pk)  # loads the embedding model; not counted
    started = time.perf_counter()
    account_ticks = campaign_ticks = 0
    by_kind: dict[str, list[float]] = {}
    while time.perf_counter() - started < BUDGET_SECONDS:
        tick_started = time.perf_counter()
        kind = run_account_tick(account.pk).split(":")[0]
        by_kind.setdefault(kind, []).append(time.perf_counter() - tick_started)
        account_ticks += 1
        if account_ticks % 3 == 0:
            tick_started = time.perf_counter()
            run_campaign_tick(campaign.pk)
            by_kind.setdefault("(campaign tick)", []).append(time.perf_counter() - tick_started)
            campaign_ticks += 1
        for deal in Deal.objects.filter(campaign=campaign, stage=Stage.CONNECTED):
            if outgoing(deal) is None:
                prepare_followup(deal)
    minutes = (time.perf_counter() - started) / 60
    close_all()
    leads = Lead.objects.filter(team=team)
    stages = {s: Deal.objects.filter(campaign=campaign, stage=s).count() for s in Stage.values}
    contacted = stages["pending"] + stages["connected"] + stages["completed"]
    print(
        f"throughput, pacing 0, {minutes * 60:.0f} s, {account_ticks} account ticks, {campaign_ticks} campaign ticks:"
    )
    print(f"  discovered      {leads.count() / minutes:8.1f} leads/min")
    print(f"  enriched        {leads.filter(enriched_at__isnull=False).count() / minutes:8.1f} leads/min")
    print(f"  qualified       {Deal.objects.filter(campaign=campaign).count() / minutes:8.1f} leads/min")
    print(f"  invited         {contacted / minutes:8.1f} leads/min")
    print(f"  completed       {stages['completed'] / minutes:8.1f} leads/min  (follow-up sent)")
    for kind, times in sorted(by_kind.items()):
        print(f"  account tick: {kind:<14} x{len(times):<3} {_ms(times)}")
    sim.stop()
    llm.stop()


def _measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _scheduler()
    _throughput()


if __name__ == "__main__":
    _measure()
