"""The simulator in real Chromium, read with the same locators the LinkedIn actions use."""

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from outreach.linkedin import locators
from outreach.linkedin import selectors as sel
from outreach.linkedin.locators import ConnectionStatus
from outreach.linkedin.voyager import parse_profile
from tests.conftest import screenshot
from tests.fixtures_sim import sim_login

pytestmark = pytest.mark.browser
EMAIL = "browser@example.com"


def login(page: Page, sim) -> None:
    page.goto(sim.url + "/login")
    page.locator(sel.LOGIN_USERNAME).fill(EMAIL)
    page.locator(sel.LOGIN_PASSWORD).fill("sandbox")
    page.locator(sel.LOGIN_SUBMIT).click()
    page.wait_for_url(re.compile(r"/feed/$"))


def open_profile(page: Page, sim, **where) -> dict:
    person = sim.people_where(**where)[0]
    page.goto(f"{sim.url}/in/{person['public_id']}/")
    return person


def test_login_form_sets_the_session_cookies(page, sim):
    login(page, sim)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["li_at"]["httpOnly"] is True
    assert re.fullmatch(r'"ajax:\d+"', cookies["JSESSIONID"]["value"])


def test_connect_under_more_sends_an_invitation_without_a_note(page, sim):
    sim.state.config["accept_probability"] = 0.0
    login(page, sim)
    person = open_profile(page, sim, layout="more", initial="none")
    card = locators.read_top_card(page)
    assert card.name == f"{person['first_name']} {person['last_name']}"
    assert (card.direct_connect, card.more, card.follow) == (False, True, True)
    assert locators.status_from_card(card) is ConnectionStatus.UNKNOWN
    locators.more_button(page).click()
    item = locators.menu_connect_item(page)
    assert item is not None
    item.click()
    dialog = page.locator(sel.DIALOG)
    expect(dialog).to_contain_text("Add a note")
    dialog.locator(sel.SEND_WITHOUT_NOTE).first.click()
    expect(page.locator(sel.TOP_CARD).locator(sel.PENDING[0])).to_be_visible()
    assert locators.status_from_card(locators.read_top_card(page)) is ConnectionStatus.PENDING
    assert person["public_id"] in sim.state.accounts[EMAIL].invitations
    screenshot(page, "sim_pending_after_more_connect")


def test_direct_connect_ignores_the_people_also_viewed_trap(page, sim):
    sim.state.config["accept_probability"] = 0.0
    login(page, sim)
    person = open_profile(page, sim, layout="connect", initial="none")
    assert page.locator(sel.INVITE_LABEL).count() > 1  # the rail repeats other people's Invite buttons
    card = locators.read_top_card(page)
    assert card.direct_connect and locators.status_from_card(card) is ConnectionStatus.CAN_CONNECT
    locators.direct_connect_button(page).click()
    page.locator(sel.DIALOG).locator(sel.SEND_WITHOUT_NOTE).first.click()
    expect(page.locator(sel.TOP_CARD).locator(sel.PENDING[0])).to_be_visible()
    assert sim.state.accounts[EMAIL].invitations - {p["public_id"] for p in sim.people_where(initial="pending")} == {
        person["public_id"]
    }


def test_weekly_limit_dialog_replaces_the_invitation(page, sim):
    login(page, sim)
    person = open_profile(page, sim, layout="connect", initial="none")
    sim.set_fault("weekly_limit")
    locators.direct_connect_button(page).click()
    warning = page.locator(sel.DIALOG).locator(sel.WEEKLY_LIMIT)
    expect(warning).to_contain_text("weekly invitation limit")
    assert person["public_id"] not in sim.state.accounts[EMAIL].invitations
    screenshot(page, "sim_weekly_limit")


def test_message_overlay_sends_and_the_thread_page_reads_it(page, sim):
    sim.state.config.update(reply_probability=1.0)
    login(page, sim)
    person = open_profile(page, sim, initial="connected")
    card = locators.read_top_card(page)
    assert card.degree == 1 and locators.status_from_card(card) is ConnectionStatus.CONNECTED
    locators.message_link(page).click()
    box = page.locator(sel.MESSAGE_BOX).first
    box.fill("Hello from the sandbox")
    page.locator(sel.MESSAGE_SEND).first.click()
    expect(page.locator(sel.THREAD_EVENT).last).to_contain_text("Hello from the sandbox")
    assert sim.state.accounts[EMAIL].messages == [(person["public_id"], "Hello from the sandbox")]
    page.goto(f"{sim.url}/messaging/thread/{person['public_id']}/")
    senders = [e.get_attribute("data-sender") for e in page.locator(sel.THREAD_EVENT).all()]
    assert senders == ["me", "them"]
    screenshot(page, "sim_thread")


def test_creator_message_is_not_a_connection(page, sim):
    login(page, sim)
    open_profile(page, sim, layout="creator", initial="none")
    card = locators.read_top_card(page)
    assert card.message and not card.direct_connect and card.degree in (2, 3)
    assert locators.status_from_card(card) is ConnectionStatus.UNKNOWN


def test_voyager_fetch_from_the_page_with_the_csrf_header(page, sim):
    login(page, sim)
    person = open_profile(page, sim, initial="pending")
    data = page.evaluate(
        """async (id) => {
          const csrf = document.cookie.match(/JSESSIONID="?([^";]+)/)[1];
          const url = "/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity=" + id +
            "&decorationId=com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-91";
          const r = await fetch(url, {credentials: "include", headers: {"csrf-token": csrf,
            "accept": "application/vnd.linkedin.normalized+json+2.1", "x-restli-protocol-version": "2.0.0"}});
          return r.json();
        }""",
        person["public_id"],
    )
    assert parse_profile(data)["public_id"] == person["public_id"]
    assert locators.status_from_card(locators.read_top_card(page)) is ConnectionStatus.PENDING


def test_interop_overlay_fault_swallows_pointer_clicks(page, sim):
    login(page, sim)
    sim.set_fault("interop_overlay")
    open_profile(page, sim, layout="connect", initial="none")
    assert page.locator(sel.CLICK_BLOCKER).count() == 1
    connect = locators.direct_connect_button(page)
    with pytest.raises(PlaywrightTimeout):
        connect.click(timeout=800)
    connect.dispatch_event("click")  # what the browser layer falls back to
    expect(page.locator(sel.DIALOG).locator(sel.SEND_WITHOUT_NOTE).first).to_be_attached()


IN_TOP_CARD = "e => !!e.closest('section[componentkey$=\"Topcard\"]')"


@pytest.mark.parametrize(
    ("layout", "initial", "expected", "degree"),
    [
        ("connect", "none", ConnectionStatus.CAN_CONNECT, (2, 3)),
        ("more", "none", ConnectionStatus.UNKNOWN, (2, 3)),
        ("creator", "none", ConnectionStatus.UNKNOWN, (2, 3)),
        ("follow_only", "none", ConnectionStatus.UNKNOWN, (2, 3)),
        (None, "pending", ConnectionStatus.PENDING, (2, 3)),
        (None, "connected", ConnectionStatus.CONNECTED, (1,)),
    ],
)
def test_sim_pages_read_like_the_saved_real_pages_offline(browser, sim, layout, initial, expected, degree):
    """The real-page test conditions (JavaScript off, network aborted) on the simulator's HTML."""
    person = sim.people_where(layout=layout, initial=initial)[0]
    html = sim_login(sim).get(f"/in/{person['public_id']}/").text
    context = browser.new_context(java_script_enabled=False)
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    page.set_content(html, wait_until="domcontentloaded")
    card = locators.read_top_card(page)
    assert card.found and card.name == f"{person['first_name']} {person['last_name']}"
    assert card.degree in degree and locators.status_from_card(card) is expected
    if expected is ConnectionStatus.CAN_CONNECT:
        own = locators.direct_connect_button(page).get_attribute("aria-label")
        assert own == f"Invite {card.name} to connect"
    for found in (
        locators.direct_connect_button(page),
        locators.pending_button(page),
        locators.message_link(page),
        locators.more_button(page),
    ):
        if found is not None:
            assert found.evaluate(IN_TOP_CARD), "a control was read outside the top card"
    context.close()
