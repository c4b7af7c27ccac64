"""Every LinkedIn action driven through real Chromium against the simulator, including each fault.

The Playwright driver is pytest-playwright's session-wide instance (one sync Playwright per
thread); each test gets its account's own browser, launched lazily and closed afterwards.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Activity
from outreach.linkedin import actions as actions_module
from outreach.linkedin import driver, interact
from outreach.linkedin import session as browser_sessions
from outreach.linkedin.actions import (
    ConnectionStatus,
    connection_status,
    read_conversation,
    scrape_profile,
    search_people,
    send_connection_request,
    send_message,
    test_login,
)
from outreach.linkedin.errors import (
    CheckpointRequired,
    ElementMissing,
    LinkedInError,
    LoginFailed,
    ProfileUnavailable,
    RateLimited,
    ReachedConnectionLimit,
)
from outreach.linkedin.locators import read_top_card, status_from_card
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
    browser_sessions._registry.pop(account.pk, None)


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


# --- status and connect ------------------------------------------------------------------------------
def test_simulator_cards_show_what_the_saved_pages_lack(sim_session, session, account):
    """A direct Connect on the top card and a verified 1st-degree card, read by the same locators."""
    session.ensure_logged_in()
    card = read_top_card(session.goto(f"/in/{person(sim_session, 'connect')}/"))
    assert card.direct_connect and not card.pending and card.degree in (2, 3)
    assert status_from_card(card) is ConnectionStatus.CAN_CONNECT
    card = read_top_card(session.goto(f"/in/{person(sim_session, 'creator', 'connected')}/"))
    assert card.degree == 1 and card.message and not card.direct_connect
    assert status_from_card(card) is ConnectionStatus.CONNECTED


@pytest.mark.parametrize(
    ("layout", "initial", "expected"),
    [
        ("connect", "none", ConnectionStatus.CAN_CONNECT),
        ("more", "none", ConnectionStatus.CAN_CONNECT),
        ("creator", "none", ConnectionStatus.CAN_CONNECT),  # Message on the card, Connect under More
        ("follow_only", "none", ConnectionStatus.UNKNOWN),
        ("connect", "pending", ConnectionStatus.PENDING),
        ("creator", "connected", ConnectionStatus.CONNECTED),
    ],
)
def test_connection_status_reads_the_top_card(sim_session, session, account, layout, initial, expected):
    assert connection_status(session, person(sim_session, layout, initial)) is expected
    assert activities(account, "status", "ok")[0].data == {"status": str(expected)}


@pytest.mark.parametrize("layout", ["connect", "more"])
def test_connect_without_a_note(sim_session, session, account, layout):
    target = person(sim_session, layout)
    assert send_connection_request(session, target) is ConnectionStatus.PENDING
    assert target in sim_account(sim_session, account).invitations
    assert len(sim_account(sim_session, account).invitations & {target}) == 1
    (done,) = activities(account, "connect", "ok")
    assert "without a note" in done.detail


def test_connect_leaves_people_also_viewed_alone(sim_session, session, account):
    target = person(sim_session, "more")
    send_connection_request(session, target)
    sent = sim_account(sim_session, account).invitations
    initially_pending = {pid for pid, p in sim_session.state.people.items() if p["initial"] == "pending"}
    assert sent - initially_pending == {target}


def test_connect_clicks_through_linkedins_interop_overlay(sim_session, session, account, monkeypatch):
    monkeypatch.setattr(interact, "ACTION_TIMEOUT_MS", 1000)
    session.ensure_logged_in()
    cover = (
        "() => { const d = document.createElement('div'); d.setAttribute('data-testid', 'interop-shadowdom');"
        " d.style.cssText = 'position:fixed;inset:0;z-index:500'; document.body.appendChild(d); }"
    )
    session.page.on("domcontentloaded", lambda page: page.evaluate(cover))  # on every page, as on LinkedIn
    target = person(sim_session, "more")
    assert send_connection_request(session, target) is ConnectionStatus.PENDING
    assert target in sim_account(sim_session, account).invitations


def test_connect_to_a_pending_or_connected_person_sends_nothing(sim_session, session, account):
    pending, connected = person(sim_session, "connect", "pending"), person(sim_session, "more", "connected")
    assert send_connection_request(session, pending) is ConnectionStatus.PENDING
    assert send_connection_request(session, connected) is ConnectionStatus.CONNECTED
    assert sim_account(sim_session, account).invitations_sent == 0
    assert len(activities(account, "connect", "skipped")) == 2


def test_weekly_limit_exhausts_the_weekly_budget(sim_session, session, account):
    sim_session.set_fault("weekly_limit")
    with pytest.raises(ReachedConnectionLimit):
        send_connection_request(session, person(sim_session, "connect"))
    account.refresh_from_db()
    expected = timezone.now() + timedelta(days=7)
    assert abs((account.weekly_exhausted_until - expected).total_seconds()) < 120
    assert activities(account, "connect", "failed")[0].detail.startswith("ReachedConnectionLimit")


def test_missing_connect_is_a_clear_error(sim_session, session, account):
    sim_session.set_fault("missing_connect")
    with pytest.raises(ElementMissing, match="no Connect"):
        send_connection_request(session, person(sim_session, "connect"))


# --- messaging ---------------------------------------------------------------------------------------
def test_send_message_through_the_overlay(sim_session, session, account):
    target = person(sim_session, "connect", "connected")
    send_message(session, target, "Hello there, thanks for connecting!")
    assert (target, "Hello there, thanks for connecting!") in sim_account(sim_session, account).messages
    assert activities(account, "message", "ok")[0].data == {"length": 35}


def test_a_multi_line_message_is_sent_whole(sim_session, session, account):
    target = person(sim_session, "creator", "connected")
    send_message(session, target, "Hi Ana,\nthanks for connecting.\n\nBest")
    ((to, text),) = sim_account(sim_session, account).messages
    assert to == target and text.split() == ["Hi", "Ana,", "thanks", "for", "connecting.", "Best"]
    assert text.count("\n") >= 2  # line breaks kept, not sent as three messages


def test_send_message_falls_back_to_the_thread_page(sim_session, session, account, monkeypatch):
    monkeypatch.setattr(actions_module, "OVERLAY_TIMEOUT_MS", 500)
    target = person(sim_session, "more", "connected")
    session.ensure_logged_in()
    session.page.route(lambda url: "overlay=1" in url, lambda route: route.abort())  # the overlay never opens
    send_message(session, target, "Via the thread page")
    assert (target, "Via the thread page") in sim_account(sim_session, account).messages
    assert "/messaging/thread/new/" in session.page.url


def test_a_message_linkedin_refuses_is_a_clear_error(sim_session, session, account):
    target = person(sim_session, "creator")  # Message on the card, but not a connection
    with pytest.raises(LinkedInError, match="LinkedIn refused the message"):
        send_message(session, target, "Hello")
    assert sim_account(sim_session, account).messages == []
    assert "refused" in activities(account, "message", "failed")[0].detail


def test_empty_message_is_refused_before_the_browser(session, account):
    with pytest.raises(ValueError, match="empty"):
        send_message(session, "anyone", "   ")
    assert session.context is None  # no page was opened


def test_read_conversation_sees_replies(sim_session, session, account):
    target = person(sim_session, "connect", "connected")
    send_message(session, target, "Quick question")
    sim_session.add_reply(account.username, target, "Sure, ask away")
    assert read_conversation(session, target) == [
        {"direction": "out", "text": "Quick question"},
        {"direction": "in", "text": "Sure, ask away"},
    ]
    assert activities(account, "read", "ok")[0].data == {"count": 2, "incoming": 1}


def test_read_conversation_falls_back_to_the_message_popup(sim_session, session, account):
    target = person(sim_session, "more", "connected")
    sim_session.add_reply(account.username, target, "Hi from them")
    session.ensure_logged_in()
    # as on linkedin.com, where /messaging/thread/<public_id>/ is no conversation
    session.page.route(
        lambda url: "/messaging/thread/" in url,
        lambda route: route.fulfill(status=200, content_type="text/html", body="<main>Messaging</main>"),
    )
    assert read_conversation(session, target) == [{"direction": "in", "text": "Hi from them"}]


# --- search and discovery ----------------------------------------------------------------------------
def test_search_people_pages_and_discovery(sim_session, session, account):
    first = search_people(session, "engineer")
    second = search_people(session, "engineer", page=2)
    assert len(first) == 10 and first and not set(first) & set(second)
    assert all(pid in sim_session.state.people for pid in first + second)
    discovered = session.drain_discovered()
    assert set(first + second) <= set(discovered)
    assert session.drain_discovered() == []


def test_visiting_a_profile_discovers_the_people_it_links(sim_session, session, account):
    target = person(sim_session, "connect")
    connection_status(session, target)
    found = session.drain_discovered()
    assert target in found
    assert len(found) > 1  # the "people also viewed" rail
    assert all(pid in sim_session.state.people for pid in found)
    own = sim_account(sim_session, account).viewer["public_id"]
    assert session.own_public_id == own  # linked from the feed, yet never discovered
    session.goto("/feed/")
    assert own not in session.drain_discovered()


def test_the_browser_fingerprint_is_a_consistent_linux_chrome(sim_session, session, account):
    page = session.page
    page.goto(sim_session.url + "/login")
    seen = page.evaluate(
        "() => ({webdriver: navigator.webdriver, ua: navigator.userAgent, platform: navigator.platform,"
        " languages: navigator.languages})"
    )
    assert seen["webdriver"] is False
    assert "Headless" not in seen["ua"] and "X11; Linux x86_64" in seen["ua"]
    assert seen["platform"] == "Linux x86_64"
    assert seen["languages"][0] == "en-US"
