"""Status, connect, messaging, search and discovery, through real Chromium against the simulator."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.linkedin import actions as actions_module
from outreach.linkedin import interact
from outreach.linkedin.actions import (
    ConnectionStatus,
    connection_status,
    read_conversation,
    search_people,
    send_connection_request,
    send_message,
)
from outreach.linkedin.errors import ElementMissing, LinkedInError, ReachedConnectionLimit
from outreach.linkedin.locators import read_top_card, status_from_card
from tests import test_linkedin_sim as common

# The shared fixtures (one Chromium for the module, an account per test) and helpers.
_shared_driver, shared_browser = common._shared_driver, common.shared_browser
account, session = common.account, common.session
person, activities, sim_account = common.person, common.activities, common.sim_account

pytestmark = pytest.mark.browser


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
