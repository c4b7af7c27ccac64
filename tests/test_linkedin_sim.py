"""Login, sessions, Voyager scraping and every fault, through real Chromium against the simulator.

The Playwright driver is pytest-playwright's session-wide instance (one sync Playwright per
thread). Action tests share one Chromium per module, each account with its own context; the
tests of launching and closing a browser per account use their own. The fixtures and helpers
here are also used by tests/test_linkedin_sim_actions.py.
"""

import pytest

from crm.models import Activity
from outreach.linkedin import driver
from outreach.linkedin import session as browser_sessions
from outreach.linkedin.actions import (
    ConnectionStatus,
    connection_status,
    scrape_profile,
    send_connection_request,
    test_login,
)
from outreach.linkedin.errors import (
    CheckpointRequired,
    LoginFailed,
    ProfileUnavailable,
    RateLimited,
)
from outreach.linkedin.session import get_session
from outreach.linkedin.voyager import VoyagerParseError
from outreach.models import AccountStatus
from outreach.simulator.app import RETRY_AFTER_SECONDS
from tests.factories import LeadFactory, LinkedInAccountFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _shared_driver(playwright, settings):
    browser_sessions.use_playwright(playwright)
    settings.HUMAN_DELAY_MIN = settings.HUMAN_DELAY_MAX = 0
    settings.TYPING_DELAY_MIN_MS = settings.TYPING_DELAY_MAX_MS = 0


@pytest.fixture
def account(db, sim_session):
    sim_session.state.config["accept_after_seconds"] = 3600  # invitations stay pending during a test
    yield LinkedInAccountFactory(password="sandbox", status=AccountStatus.NEEDS_LOGIN)
    browser_sessions.close_all()  # saves the session to the DB, so before the DB goes away


@pytest.fixture(scope="module")
def shared_browser(playwright):
    """One Chromium for the module's action tests (launching one per account is tested on its own)."""
    browser_sessions.use_playwright(playwright)
    browser = driver.launch()
    yield browser
    browser.close()


@pytest.fixture
def own_session(account):
    """A session that launches (and closes) its own browser, as in production."""
    return get_session(account)


@pytest.fixture
def session(account, shared_browser):
    """The account's session on the shared browser: its own context, cookies and page."""
    session = get_session(account)
    session.browser = shared_browser
    yield session
    if session.context is not None:
        session.context.close()
    session.browser = session.context = session._page = None
    browser_sessions.registry().pop(account.pk, None)


def person(sim, layout, initial="none"):
    return next(pid for pid, p in sim.state.people.items() if p["layout"] == layout and p["initial"] == initial)


def activities(account, kind, result=None):
    qs = Activity.objects.filter(account=account, kind=kind)
    return list(qs.filter(result=result) if result else qs)


def sim_account(sim, account):
    return sim.state.accounts[account.username]


# --- login ----------------------------------------------------------------------------------------
def test_login_stores_the_session_and_a_new_browser_reuses_it(own_session, account):
    session = own_session
    session.ensure_logged_in()
    account.refresh_from_db()
    assert account.status == AccountStatus.OK and account.last_login_at is not None
    assert '"li_at"' in account.session_state  # encrypted at rest, plain JSON in the model
    assert len(activities(account, "login", "ok")) == 1
    browser_sessions.close_session(account.pk)

    again = get_session(account)
    assert again is not session
    again.ensure_logged_in()  # cookies restored from the stored state: no second password login
    assert len(activities(account, "login")) == 1
    assert again.page.url.endswith("/feed/")


def test_the_session_is_reused_within_the_process(own_session, account):
    session = own_session
    assert get_session(account) is session
    session.ensure_logged_in()
    browser = session.browser
    assert get_session(account).browser is browser
    assert browser_sessions.close_idle(max_idle=3600) == 0
    assert browser_sessions.close_idle(max_idle=0) == 1
    assert not browser.is_connected()
    assert get_session(account) is not session


def test_a_paused_account_stays_paused_after_a_test_login(sim_session, account):
    account.status = AccountStatus.PAUSED
    account.save()
    assert test_login(account)["ok"] is True
    account.refresh_from_db()
    assert account.status == AccountStatus.PAUSED and account.last_login_at is not None


def test_wrong_password_marks_the_account_needs_login(sim_session, session, account):
    account.password = "not-the-password"
    account.save()
    with pytest.raises(LoginFailed):
        session.ensure_logged_in()
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_LOGIN
    assert "rejected" in account.status_detail
    assert len(activities(account, "login", "failed")) == 1


def test_checkpoint_pauses_the_account_without_retrying(sim_session, session, account):
    sim_session.set_fault("checkpoint")
    with pytest.raises(CheckpointRequired):
        send_connection_request(session, person(sim_session, "connect"))
    account.refresh_from_db()
    assert account.status == AccountStatus.CHECKPOINT
    assert "security check" in account.status_detail
    assert len(activities(account, "login", "failed")) == 1  # one attempt, no loop
    assert account.username not in sim_session.state.accounts  # never got past the check: nothing sent


def test_expired_session_logs_in_again(sim_session, session, account):
    session.ensure_logged_in()
    sim_session.set_fault("logged_out")  # every session issued so far stops working
    target = person(sim_session, "connect")
    assert connection_status(session, target) is ConnectionStatus.CAN_CONNECT
    assert len(activities(account, "login", "ok")) == 2


def test_test_login_reports_success_and_failure(sim_session, account):
    assert test_login(account) == {"ok": True, "status": "ok", "detail": "logged in to LinkedIn"}
    browser_sessions.close_all()
    sim_session.set_fault("checkpoint")
    account.session_state = ""
    result = test_login(account)
    assert result["ok"] is False and result["status"] == "checkpoint"


# --- scrape -----------------------------------------------------------------------------------------
def test_scrape_profile_through_voyager(sim_session, session, account):
    target = person(sim_session, "more")
    lead = LeadFactory(team=account.team, public_id=target)
    parsed, raw = scrape_profile(session, target)
    truth = sim_session.state.people[target]
    assert parsed["public_id"] == target
    assert parsed["headline"] == truth["headline"]
    assert parsed["positions"][0]["company_name"] == truth["positions"][0]["company_name"]
    assert parsed["connection_degree"] == truth["connection_degree"]
    assert raw["data"]["*elements"] == [truth["urn"]]
    assert [a.lead_id for a in activities(account, "scrape", "ok")] == [lead.pk]


def test_voyager_401_logs_in_again_once(sim_session, session, account):
    session.ensure_logged_in()
    session.goto("/feed/")
    sim_session.set_fault("logged_out")
    parsed, _ = scrape_profile(session, person(sim_session, "connect"))
    assert parsed["first_name"]
    assert len(activities(account, "login", "ok")) == 2


def test_unknown_profile_is_skipped_as_unavailable(session, account):
    with pytest.raises(ProfileUnavailable):
        scrape_profile(session, "nobody-here-123")
    (skip,) = activities(account, "scrape", "skipped")
    assert "HTTP 404" in skip.detail


def test_actions_on_a_profile_that_does_not_exist_are_skipped(sim_session, session, account):
    with pytest.raises(ProfileUnavailable, match="HTTP 404"):
        connection_status(session, "nobody-here-123")
    with pytest.raises(ProfileUnavailable):
        send_connection_request(session, "nobody-here-123")
    assert len(activities(account, "status", "skipped")) == 1
    assert len(activities(account, "connect", "skipped")) == 1


@pytest.mark.parametrize("mode", [True, "truncated"])
def test_malformed_voyager_json_is_skipped_with_a_reason(sim_session, session, account, mode):
    sim_session.set_fault("malformed_voyager", mode)
    lead = LeadFactory(team=account.team, public_id=person(sim_session, "connect"))
    with pytest.raises(VoyagerParseError):
        scrape_profile(session, lead.public_id)
    (skip,) = activities(account, "scrape", "skipped")
    assert skip.detail.startswith("skipped: ") and skip.lead_id == lead.pk
    lead.refresh_from_db()
    assert lead.enrich_error.startswith("VoyagerParseError: ") and lead.enriched_at is None
    assert ("missing from 'included'" in skip.detail) if mode is True else ("not JSON" in skip.detail)


def test_rate_limit_raises_with_a_back_off(sim_session, session, account):
    session.ensure_logged_in()
    sim_session.set_fault("rate_limit", 5)
    with pytest.raises(RateLimited) as caught:
        connection_status(session, person(sim_session, "connect"))
    assert caught.value.retry_after > 0
    assert activities(account, "status", "failed")[0].detail.startswith("RateLimited")


def test_rate_limit_while_logging_in_is_a_rate_limit(sim_session, session, account):
    sim_session.set_fault("rate_limit", 3)
    with pytest.raises(RateLimited):
        session.ensure_logged_in()
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_LOGIN  # not blamed on the password
    assert not activities(account, "login", "failed")


def test_rate_limit_on_the_login_post_is_a_rate_limit(sim_session, session, account):
    session.page.route(
        "**/uas/login-submit",
        lambda route: route.fulfill(status=429, headers={"Retry-After": "30"}, body="Too Many Requests"),
    )
    with pytest.raises(RateLimited) as caught:
        session.login()  # the form loads, then its POST gets the 429
    assert caught.value.retry_after == 30
    assert not activities(account, "login", "failed")


def test_voyager_429_carries_linkedins_retry_after(sim_session, session, account):
    session.ensure_logged_in()
    sim_session.set_fault("rate_limit", 1)  # the next request, the Voyager call, gets the 429
    with pytest.raises(RateLimited) as caught:
        scrape_profile(session, person(sim_session, "connect"))
    assert caught.value.retry_after == RETRY_AFTER_SECONDS


def test_a_slow_linkedin_is_waited_for(sim_session, session, account):
    session.ensure_logged_in()
    sim_session.set_fault("slow", 0.3)  # every response 0.3 s late
    assert connection_status(session, person(sim_session, "more")) is ConnectionStatus.CAN_CONNECT


def test_http_999_is_a_rate_limit(sim_session, session, account):
    session.ensure_logged_in()
    sim_session.set_fault("http_999")
    with pytest.raises(RateLimited):
        scrape_profile(session, person(sim_session, "connect"))
