"""Periodic tasks declared once and installed idempotently; routing; dispatch leases; the supervisor."""

import signal
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from outreach.engine.dispatch import dispatch_due
from outreach.engine.routing import route_task
from outreach.engine.schedules import PREFIX, Periodic, install_schedules
from outreach.engine.supervisor import Supervisor
from outreach.models import LinkedInAccount
from tests.factories import CampaignFactory, LinkedInAccountFactory

pytestmark = pytest.mark.django_db


def test_setup_schedules_is_idempotent_and_follows_the_settings(settings, capsys):
    settings.ENGINE_TICK_SECONDS = 15
    call_command("setup_schedules")
    call_command("setup_schedules")
    assert "0 created, 0 updated" in capsys.readouterr().out.splitlines()[-1]
    tick = PeriodicTask.objects.get(name=PREFIX + "engine tick")
    assert (tick.task, tick.interval.every, tick.queue, tick.enabled) == ("outreach.tasks.tick", 15, "default", True)
    settings.ENGINE_TICK_SECONDS = 5
    assert install_schedules()["updated"] == 1
    assert PeriodicTask.objects.get(name=PREFIX + "engine tick").interval.every == 5
    assert PeriodicTask.objects.filter(name__startswith=PREFIX).count() == 2


def test_entries_no_longer_declared_are_disabled_not_deleted():
    install_schedules()
    install_schedules([Periodic(PREFIX + "engine tick", "outreach.tasks.tick", every_seconds=10)])
    assert not PeriodicTask.objects.get(name=PREFIX + "nightly analytics rebuild").enabled
    PeriodicTask.objects.create(name="someone else's", task="x.y", interval=PeriodicTask.objects.first().interval)
    install_schedules([])
    assert PeriodicTask.objects.get(name="someone else's").enabled


def test_browser_tasks_are_routed_to_their_accounts_queue():
    assert route_task("outreach.tasks.tick_account", (), {"account_id": 7}, {}) == {"queue": "account.7"}
    assert route_task("outreach.tasks.test_login", (3,), {}, {}) == {"queue": "account.3"}
    assert route_task("outreach.tasks.tick_campaign", (), {"campaign_id": 1}, {}) == {"queue": "qualifier"}
    assert route_task("outreach.tasks.compose_followup", (), {"deal_id": 1}, {}) == {"queue": "llm"}
    assert route_task("crm.tasks.other", (), {}, {}) is None


def test_dispatch_leases_each_due_account_once_and_skips_paused_or_off_hours_ones():
    live = LinkedInAccountFactory(active_hours_start=0, active_hours_end=24)
    paused = LinkedInAccountFactory(active=False, active_hours_start=0, active_hours_end=24)
    asleep = LinkedInAccountFactory(time_zone="UTC", active_hours_start=1, active_hours_end=1)  # never working
    for account in (live, paused, asleep):
        CampaignFactory(team=account.team, active=True).accounts.add(account)
    now = timezone.now()
    assert dispatch_due(now, send=False) == {"accounts": 1, "campaigns": 3}
    assert dispatch_due(now, send=False) == {"accounts": 0, "campaigns": 0}  # leases held
    live.refresh_from_db()
    assert live.next_action_at > now
    asleep.refresh_from_db()
    assert asleep.next_action_at > now  # parked until its window opens
    later = now + timedelta(hours=2)
    assert dispatch_due(later, send=False)["accounts"] == 1  # the lease expired: a dead tick is redone


def test_supervisor_runs_one_worker_per_active_account_and_restarts_dead_ones(settings):
    a, b = LinkedInAccountFactory(), LinkedInAccountFactory()
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    sup = Supervisor()
    sup.command = lambda account_id: sleeper  # the real command is a celery worker; tested end to end
    try:
        assert sup.reconcile()["started"] == 2
        assert "--pool=solo" in Supervisor().command(a.pk) and f"account.{a.pk}" in Supervisor().command(a.pk)
        first = sup.workers[a.pk].process
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert sup.reconcile()["restarted"] == 1  # no back-off for a first death
        assert sup.workers[a.pk].process.pid != first.pid
        LinkedInAccount.objects.filter(pk=b.pk).update(active=False)
        counts = sup.reconcile()
        assert counts["stopped"] == 1 and set(sup.workers) == {a.pk}
    finally:
        sup.stop_all()
    time.sleep(0.1)
    assert not sup.workers


def test_pausing_an_account_stops_its_ticks_and_resuming_makes_it_due_at_once():
    from outreach.engine.control import pause_account, resume_account

    account = LinkedInAccountFactory(active_hours_start=0, active_hours_end=24, session_state="{}")
    CampaignFactory(team=account.team, active=True).accounts.add(account)
    pause_account(account)
    assert account.status == "paused"
    assert dispatch_due(send=False)["accounts"] == 0
    resume_account(account)
    assert (account.active, account.status, account.next_action_at) == (True, "ok", None)
    assert dispatch_due(send=False)["accounts"] == 1


@pytest.mark.django_db
def test_an_account_tick_that_acted_asks_for_one_analytics_rebuild(monkeypatch, settings):
    import analytics.tasks
    import outreach.engine.lanes
    from outreach import tasks

    settings.ANALYTICS_REBUILD_AFTER_ACTIVITY = True
    asked = []
    monkeypatch.setattr(analytics.tasks, "schedule_rebuild", lambda **kw: asked.append(kw) or True)
    monkeypatch.setattr("outreach.engine.dispatch.finish_account_tick", lambda *a, **k: None)
    for result, expected in (("idle", 0), ("stopped", 0), ("connect", 1)):
        monkeypatch.setattr(outreach.engine.lanes, "run_account_tick", lambda account_id, r=result: r)
        asked.clear()
        assert tasks.tick_account(1) == result
        assert len(asked) == expected, result
