"""UI bench: server time and SQL queries of the kanban with 10,000 deals and of the review queue
with 5,000 pending leads, on a scratch SQLite database built with bulk_create.

The numbers to read: the query count stays the same whether a column shows 25, 100 or 500 cards.
`run()` measures in a child process so the scratch database never meets another bench's settings.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEALS = 10_000
PENDING_REVIEWS = 5_000
REPEAT = 5
STAGE_MIX = {"new": 3000, "pending": 3000, "connected": 2000, "completed": 1000, "failed": 1000}


def run() -> None:
    scratch = tempfile.mkdtemp(prefix="bench-ui-")
    env = {**os.environ, "DATA_DIR": scratch, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)  # always the scratch SQLite file under DATA_DIR
    env.setdefault("FIELD_ENCRYPTION_KEY", "q1Xc3c7sJ2lQ2Jc2oYpZ9d9J8Sx0Xx8U5l8m3oVb0wE=")
    subprocess.run([sys.executable, "-m", "bench.ui"], env=env, cwd=ROOT, check=True)


def _build() -> tuple:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from crm.models import Company, Deal, Lead, Membership, Team
    from outreach.models import Campaign, LinkedInAccount
    from qualifier.models import Label, ReviewItem

    now = timezone.now()
    team = Team.objects.create(name="Bench team")
    user = User.objects.create_user("bench", password="bench-password-1")
    Membership.objects.create(user=user, team=team, role="owner", onboarding_done=True)
    account = LinkedInAccount.objects.create(team=team, username="bench@example.com", is_sandbox=True)
    campaign = Campaign.objects.create(team=team, name="Bench campaign")
    campaign.accounts.add(account)
    companies = Company.objects.bulk_create([Company(team=team, name=f"Company {i}") for i in range(200)])

    def leads(prefix: str, n: int, enriched: bool) -> list:
        rows = [
            Lead(
                team=team,
                public_id=f"{prefix}-{i}",
                linkedin_url=f"https://www.linkedin.com/in/{prefix}-{i}/",
                first_name=f"First{i}",
                last_name=prefix.title(),
                headline=f"Operations lead {i} at a logistics firm",
                company=companies[i % len(companies)],
                source_campaign=campaign,
                enriched_at=now if enriched else None,
                last_activity_at=now,
                profile={"headline": "Operations lead", "positions": [{"title": "Ops", "company_name": "X"}]},
            )
            for i in range(n)
        ]
        return Lead.objects.bulk_create(rows, batch_size=2000)

    in_deals = leads("deal", DEALS, True)
    stages = [stage for stage, n in STAGE_MIX.items() for _ in range(n)]
    pairs = zip(in_deals, stages, strict=True)
    Deal.objects.bulk_create(
        [Deal(team=team, lead=lead, campaign=campaign, stage=s, score=0.9) for lead, s in pairs], batch_size=2000
    )
    leads("found", 2000, False)
    leads("fresh", 2000, True)
    rejected = leads("nope", 500, True)
    Label.objects.bulk_create(
        [Label(campaign=campaign, lead=lead, qualified=False, source="auto") for lead in rejected]
    )
    to_review = leads("review", PENDING_REVIEWS, True)
    ReviewItem.objects.bulk_create(
        [ReviewItem(campaign=campaign, lead=lead, probability=0.5, std=0.2, why="bench") for lead in to_review],
        batch_size=2000,
    )
    return user, campaign


def _measure(client, url: str, params: dict, **headers) -> tuple[float, float, int]:
    """Median wall and CPU milliseconds of one request (CPU time is steadier on a busy machine)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params, **headers)  # warm up
    walls, cpus, queries = [], [], 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params, **headers)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, queries


def _report(label: str, client, url: str, params: dict, **headers) -> int:
    wall, cpu, n = _measure(client, url, params, **headers)
    print(f"{label:<46} {wall:8.1f} ms wall {cpu:8.1f} ms cpu {n:4d} SQL queries", flush=True)
    return n


def _main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from outreach.views.pipeline_board import COLUMN_KEYS

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    user, campaign = _build()
    print(
        f"scratch db: {DEALS:,} deals, {PENDING_REVIEWS:,} pending reviews,"
        f" built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    client = Client()
    client.force_login(user)
    c = campaign.pk
    counts = []
    for shown in (25, 100, 500):
        params = {"campaign": c, **{f"show_{key}": shown for key in COLUMN_KEYS}}
        counts.append(_report(f"kanban, {shown} cards per column (8 columns)", client, "/pipeline/", params))
    verdict = "constant" if len(set(counts)) == 1 else "GROWS WITH CARDS"
    print(f"kanban query count for 200 / 800 / 4,000 cards shown: {' / '.join(map(str, counts))} ({verdict})")
    htmx = {"HTTP_HX_REQUEST": "true"}
    _report("kanban poll (htmx board partial)", client, "/pipeline/", {"campaign": c}, **htmx, HTTP_HX_TARGET="board")
    _report("kanban, all campaigns, text search", client, "/pipeline/", {"q": "First12"})
    _report(
        "kanban load more (pending, offset 2,500)", client, "/pipeline/column/pending/", {"campaign": c, "offset": 2500}
    )
    _report(f"review queue, {PENDING_REVIEWS:,} pending", client, "/review/", {"campaign": c})
    _report("review queue, J/K to another lead (htmx)", client, "/review/", {"campaign": c, "item": 4000}, **htmx)
    _report("dashboard funnel", client, "/", {})


if __name__ == "__main__":
    _main()
