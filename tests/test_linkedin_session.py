"""The per-process browser registry and session helpers, without launching a browser."""

import pytest

from outreach.linkedin import driver, pacing
from outreach.linkedin import session as sessions
from outreach.linkedin.pacing import human_pause
from outreach.linkedin.session import get_session
from outreach.linkedin.urls import is_checkpoint_path, is_logged_out_path
from tests.factories import LinkedInAccountFactory


@pytest.fixture
def registry():
    yield sessions.registry()
    sessions.registry().clear()


def test_get_session_is_lazy_and_reused(db, registry):
    account = LinkedInAccountFactory()
    first = get_session(account)
    assert not first.started  # nothing launched until a page is needed
    assert get_session(account) is first
    other = get_session(LinkedInAccountFactory(team=account.team))
    assert other is not first and set(registry) == {account.pk, other.account.pk}


def test_a_registry_inherited_across_a_fork_is_dropped(db, registry, monkeypatch):
    account = LinkedInAccountFactory()
    first = get_session(account)
    monkeypatch.setattr(driver.os, "getpid", lambda: -12345)  # as seen from a forked child
    assert get_session(account) is not first
    assert list(registry.values()) != [first]


def test_the_session_follows_the_account_base_url(db, registry, settings):
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9"
    assert get_session(LinkedInAccountFactory(is_sandbox=True)).base_url == "http://127.0.0.1:9"
    assert get_session(LinkedInAccountFactory(is_sandbox=False)).base_url == settings.LINKEDIN_BASE_URL


@pytest.mark.parametrize("stored", ["", "not json", "[1, 2]", '{"origins": []}'])
def test_an_unusable_stored_session_means_a_fresh_login(db, registry, stored):
    account = LinkedInAccountFactory(session_state=stored)
    assert get_session(account)._stored_state() is None


def test_a_stored_session_is_reused(db, registry):
    account = LinkedInAccountFactory(session_state='{"cookies": [{"name": "li_at"}], "origins": []}')
    assert get_session(account)._stored_state() == {"cookies": [{"name": "li_at"}], "origins": []}


def test_human_pause_waits_between_the_configured_bounds(settings, monkeypatch):
    slept = []
    monkeypatch.setattr(pacing.time, "sleep", slept.append)
    settings.HUMAN_DELAY_MIN, settings.HUMAN_DELAY_MAX = 2.0, 3.0
    for _ in range(20):
        human_pause()
    assert len(slept) == 20 and all(2.0 <= s <= 3.0 for s in slept)
    settings.HUMAN_DELAY_MIN = settings.HUMAN_DELAY_MAX = 0
    human_pause()
    assert len(slept) == 20  # no sleep at all when the delays are zero (tests)


@pytest.mark.parametrize(
    ("path", "checkpoint", "logged_out"),
    [
        ("/checkpoint/challenge/AgF3x", True, False),
        ("/checkpoint/lg/login-submit", False, False),  # LinkedIn's login form post, not a challenge
        ("/authwall", False, True),
        ("/login", False, True),
        ("/uas/login", False, True),
        ("/feed/", False, False),
        ("/in/someone/", False, False),
    ],
)
def test_page_paths_are_classified(path, checkpoint, logged_out):
    assert is_checkpoint_path(path) is checkpoint
    assert is_logged_out_path(path) is logged_out


def test_closing_a_session_whose_account_was_deleted_loses_nothing_else(db, registry):
    class FakeContext:
        def storage_state(self):
            return {"cookies": [], "origins": []}

    account = LinkedInAccountFactory()
    pk = account.pk
    session = get_session(account)
    session.context = FakeContext()
    account.delete()
    account.pk = pk  # the session's copy still names the deleted row
    sessions.close_session(pk)  # no error: there is no row left to save the login to
    assert pk not in registry and session.context is None


class _FakeBrowser:
    closed = False

    def close(self):
        self.closed = True


def test_worker_shutdown_closes_every_browser(db, registry):
    from celery.signals import worker_process_shutdown, worker_shutdown

    for signal in (worker_shutdown, worker_process_shutdown):
        session = get_session(LinkedInAccountFactory())
        session.browser = browser = _FakeBrowser()
        signal.send(sender=None)
        assert browser.closed and not registry


def test_idle_browsers_close_after_the_next_task(db, registry, settings):
    from celery.signals import task_postrun

    settings.BROWSER_IDLE_SECONDS = 60
    busy, idle = get_session(LinkedInAccountFactory()), get_session(LinkedInAccountFactory())
    busy.browser, idle.browser = _FakeBrowser(), _FakeBrowser()
    idle.last_used -= 61
    browser = idle.browser
    task_postrun.send(sender=None, task_id="t", task=None, args=(), kwargs={}, retval=None, state="SUCCESS")
    assert browser.closed and list(registry) == [busy.account.pk]
    assert not busy.browser.closed


def test_sessions_belong_to_the_thread_that_made_them(db, registry):
    import threading

    account = LinkedInAccountFactory()
    seen = {}

    def other_thread():
        seen["session"] = get_session(account)
        seen["mine"] = set(sessions.registry())

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert seen["mine"] == {account.pk}
    assert account.pk not in registry  # this thread's Playwright could not drive that one's browser
    assert get_session(account) is not seen["session"]
