"""Limits and claims: shared by campaigns, reset per local day/week, exact under racing workers."""

import multiprocessing
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from outreach.engine.limits import LimitReached, claim_action, claim_done, claim_release, mark_weekly_exhausted, usage
from outreach.engine.models import ActionClaim, ClaimKind, ClaimStatus
from outreach.engine.pacing import default_time_zone, in_working_hours, local_day, next_working_start, poisson_gap
from tests.factories import CampaignFactory, LeadFactory, LinkedInAccountFactory

pytestmark = pytest.mark.django_db


def _account(**kw):
    return LinkedInAccountFactory(time_zone="Europe/Berlin", **kw)


def test_daily_connect_limit_is_shared_by_all_campaigns_of_the_account():
    account = _account(connect_daily_limit=3)
    c1, c2 = CampaignFactory(team=account.team), CampaignFactory(team=account.team)
    leads = LeadFactory.create_batch(4, team=account.team)
    for lead, campaign in zip(leads[:3], [c1, c2, c1], strict=True):
        assert claim_action(account=account, kind=ClaimKind.CONNECT, lead=lead, campaign=campaign).state == "new"
    with pytest.raises(LimitReached, match="daily connection limit of 3"):
        claim_action(account=account, kind=ClaimKind.CONNECT, lead=leads[3], campaign=c2)
    assert usage(account)["connect_today"] == 3


def test_a_second_claim_for_the_same_lead_never_acts_again():
    account = _account()
    campaign = CampaignFactory(team=account.team)
    lead = LeadFactory(team=account.team)
    first = claim_action(account=account, kind="connect", lead=lead, campaign=campaign)
    again = claim_action(account=account, kind="connect", lead=lead, campaign=campaign)
    assert (first.state, again.state) == ("new", "resumed")  # the first attempt died: verify before acting
    claim_done(first.claim)
    assert claim_action(account=account, kind="connect", lead=lead, campaign=campaign).state == "done"
    other = LinkedInAccountFactory(team=account.team)
    assert claim_action(account=other, kind="connect", lead=lead, campaign=campaign).state == "done"
    assert ActionClaim.objects.count() == 1
    assert usage(account)["connect_today"] == 1


def test_another_account_cannot_take_an_in_flight_claim():
    account = _account()
    other = LinkedInAccountFactory(team=account.team)
    lead = LeadFactory(team=account.team)
    claim_action(account=account, kind="connect", lead=lead)
    taken = claim_action(account=other, kind="connect", lead=lead)
    assert taken.state == "taken" and not taken.may_act


def test_follow_ups_are_claimed_once_per_campaign_and_limited_per_day():
    account = _account(followup_daily_limit=1)
    c1, c2 = CampaignFactory(team=account.team), CampaignFactory(team=account.team)
    lead, lead2 = LeadFactory.create_batch(2, team=account.team)
    assert claim_action(account=account, kind="followup", lead=lead, campaign=c1).state == "new"
    assert claim_action(account=account, kind="followup", lead=lead, campaign=c1).state == "resumed"
    with pytest.raises(LimitReached, match="follow-up"):
        claim_action(account=account, kind="followup", lead=lead2, campaign=c2)


def test_a_released_claim_gives_the_limit_back_and_can_be_taken_again():
    account = _account(connect_daily_limit=1)
    lead, lead2 = LeadFactory.create_batch(2, team=account.team)
    claim = claim_action(account=account, kind="connect", lead=lead).claim
    claim_release(claim, "profile unavailable")
    assert usage(account)["connect_today"] == 0
    assert claim_action(account=account, kind="connect", lead=lead2).state == "new"
    claim_release(ActionClaim.objects.get(lead=lead2), "")
    again = claim_action(account=account, kind="connect", lead=lead)
    assert again.state == "new" and again.claim.attempts == 2


def test_limits_reset_on_the_accounts_local_day_and_week():
    account = _account(connect_daily_limit=1, connect_weekly_limit=2)
    leads = LeadFactory.create_batch(4, team=account.team)
    # Wednesday 2026-11-25 22:30 UTC is Wednesday 23:30 in Berlin; 23:30 UTC is already Thursday there.
    wed = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
    claim_action(account=account, kind="connect", lead=leads[0], now=wed)
    with pytest.raises(LimitReached, match="daily"):
        claim_action(account=account, kind="connect", lead=leads[1], now=wed + timedelta(minutes=20))
    thu = wed + timedelta(hours=1)
    assert claim_action(account=account, kind="connect", lead=leads[1], now=thu).state == "new"
    with pytest.raises(LimitReached, match="weekly connection limit of 2"):
        claim_action(account=account, kind="connect", lead=leads[2], now=thu + timedelta(days=1))
    next_monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert claim_action(account=account, kind="connect", lead=leads[2], now=next_monday).state == "new"
    assert usage(account, now=next_monday)["connect_week"] == 1


def test_linkedins_weekly_popup_stops_invitations_until_it_expires():
    account = _account()
    lead = LeadFactory(team=account.team)
    mark_weekly_exhausted(account)
    assert usage(account)["weekly_exhausted"] is True
    with pytest.raises(LimitReached, match="LinkedIn's weekly limit"):
        claim_action(account=account, kind="connect", lead=lead)
    # Follow-ups are not affected by the invitation limit.
    campaign = CampaignFactory(team=account.team)
    assert claim_action(account=account, kind="followup", lead=lead, campaign=campaign).state == "new"
    later = account.weekly_exhausted_until + timedelta(minutes=1)
    assert claim_action(account=account, kind="connect", lead=lead, now=later).state == "new"


def test_time_zone_defaults_from_the_country_and_working_hours_follow_it():
    assert default_time_zone("de") == "Europe/Berlin"
    assert default_time_zone("zz") == "UTC"
    account = LinkedInAccountFactory(country_code="JP", time_zone="", active_hours_start=9, active_hours_end=18)
    noon_tokyo = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    assert in_working_hours(account, noon_tokyo)
    assert not in_working_hours(account, noon_tokyo + timedelta(hours=10))
    assert local_day(account, datetime(2026, 11, 25, 20, 0, tzinfo=UTC)).day == 26
    opens = next_working_start(account, noon_tokyo + timedelta(hours=10))
    assert opens == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    night = LinkedInAccountFactory(time_zone="UTC", active_hours_start=22, active_hours_end=6)
    assert in_working_hours(night, datetime(2026, 11, 25, 23, 0, tzinfo=UTC))
    assert not in_working_hours(night, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


def test_poisson_gaps_average_near_their_mean_and_are_capped():
    import random

    rng = random.Random(7)
    gaps = [poisson_gap(10, rng) for _ in range(4000)]
    assert 8.5 < sum(gaps) / len(gaps) < 10.5
    assert max(gaps) <= 30 and len(set(gaps)) > 3000
    assert poisson_gap(0) == 0


def _claim_chunk(account_id: int, lead_ids: list[int]) -> list[str]:
    from crm.models import Lead
    from outreach.models import LinkedInAccount

    account = LinkedInAccount.objects.get(pk=account_id)
    states = []
    for lead in Lead.objects.filter(pk__in=lead_ids):
        try:
            states.append(claim_action(account=account, kind="connect", lead=lead).state)
        except LimitReached:
            states.append("limit")
    return states


def _in_process(account_id, lead_ids, queue):
    connections.close_all()  # never share the parent's socket
    try:
        queue.put(_claim_chunk(account_id, lead_ids))
    finally:
        connections.close_all()


def _in_thread(account_id, lead_ids, out, barrier):
    barrier.wait()
    try:
        out.extend(_claim_chunk(account_id, lead_ids))
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["threads", "processes"])
def test_racing_workers_never_exceed_the_limit(how):
    """8 workers, each with its own database connection, claim 100 leads against a limit of 20.

    Processes race for real (no GIL between them); without the account row lock this test gets
    21-23 claims on PostgreSQL.
    """
    account = _account(connect_daily_limit=20, connect_weekly_limit=100)
    ids = [lead.pk for lead in LeadFactory.create_batch(100, team=account.team)]
    chunks = [ids[i::8] for i in range(8)]
    results: list[str] = []
    if how == "threads":
        barrier = threading.Barrier(8)
        workers = [threading.Thread(target=_in_thread, args=(account.pk, c, results, barrier)) for c in chunks]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    else:
        connections.close_all()
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        workers = [ctx.Process(target=_in_process, args=(account.pk, c, queue)) for c in chunks]
        for w in workers:
            w.start()
        for _ in workers:
            results.extend(queue.get(timeout=60))
        for w in workers:
            w.join()
    assert results.count("new") == 20 and results.count("limit") == 80
    assert ActionClaim.objects.filter(account=account, status=ClaimStatus.CLAIMED).count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_duplicated_tasks_racing_for_the_same_leads_act_once_per_lead():
    """Every thread tries every lead (a task delivered 8 times, on 2 accounts): one claim per lead."""
    account = _account()
    other = LinkedInAccountFactory(team=account.team)
    leads = LeadFactory.create_batch(10, team=account.team)
    results: list[str] = []
    barrier = threading.Barrier(8)

    def worker(acc):
        barrier.wait()
        try:
            results.extend(claim_action(account=acc, kind="connect", lead=lead).state for lead in leads)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=([account, other][i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("new") == 10
    assert ActionClaim.objects.count() == 10
    assert connection.vendor in ("postgresql", "sqlite")
