"""Every saved linkedin.com profile page, read by the same locators and status logic the actions use.

Pages load into real Chromium with JavaScript disabled and every network request aborted (they
reference LinkedIn's CDN and hold its inline scripts). The folder a page sits in names its true
state (see the fixtures README).
"""

import pytest

from outreach.linkedin.interact import open_more_connect
from outreach.linkedin.locators import (
    ConnectionStatus,
    direct_connect_button,
    menu_connect_item,
    message_link,
    more_button,
    pending_button,
    read_top_card,
    status_from_card,
)
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser

PAGES_DIR = FIXTURES / "pages"
PAGES = sorted(PAGES_DIR.glob("*/*.html"))
STATES = {"follow_primary", "creator", "more_menu_open", "pending", "message"}
IN_TOP_CARD = "e => !!e.closest('section[componentkey$=\"Topcard\"]')"


def _id(path):
    return f"{path.parent.name}/{path.stem}"


@pytest.fixture(scope="module")
def offline_context(browser):
    context = browser.new_context(java_script_enabled=False)
    context.route("**/*", lambda route: route.abort())
    yield context
    context.close()


@pytest.fixture(scope="module")
def saved_page(offline_context):
    """Each saved page is parsed once per module; the locators only read it."""
    pages = {}

    def load(path):
        if path not in pages:
            pages[path] = offline_context.new_page()
            pages[path].set_content(path.read_text(encoding="utf-8"), wait_until="domcontentloaded")
        return pages[path]

    return load


def test_every_state_folder_has_pages_and_no_folder_is_unknown():
    folders = {p.parent.name for p in PAGES}
    assert folders == STATES


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_top_card_is_found_and_named(saved_page, path):
    card = read_top_card(saved_page(path))
    assert card.found
    assert card.name  # the top card's own heading
    assert card.more  # every saved card has a More button


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_controls_never_come_from_people_also_viewed(saved_page, path):
    page = saved_page(path)
    rail_invites = page.locator('[aria-label^="Invite "][aria-label$=" to connect"]').count()
    for found in (direct_connect_button(page), pending_button(page), message_link(page), more_button(page)):
        if found is not None:
            assert found.evaluate(IN_TOP_CARD), "a control was read outside the top card"
    if path.parent.name != "more_menu_open":
        # other people's Invite buttons are on the page, yet none is taken for this profile's
        assert direct_connect_button(page) is None
        assert menu_connect_item(page) is None
    assert rail_invites >= 1 or path.parent.name == "creator"


@pytest.mark.parametrize("path", sorted(PAGES_DIR.glob("follow_primary/*.html")), ids=_id)
def test_follow_primary_has_no_direct_connect_and_is_not_connected(saved_page, path):
    page = saved_page(path)
    card = read_top_card(page)
    assert card.follow and not card.direct_connect and not card.pending
    assert card.degree == 2
    assert status_from_card(card) is ConnectionStatus.UNKNOWN  # Connect lives under More
    assert status_from_card(card) is not ConnectionStatus.CONNECTED


@pytest.mark.parametrize("path", sorted(PAGES_DIR.glob("creator/*.html")), ids=_id)
def test_creator_message_without_connect_is_not_a_connection(saved_page, path):
    card = read_top_card(saved_page(path))
    assert card.message and card.follow
    assert not card.direct_connect and not card.pending
    assert card.degree == 3
    assert status_from_card(card) is not ConnectionStatus.CONNECTED


@pytest.mark.parametrize("path", sorted(PAGES_DIR.glob("more_menu_open/*.html")), ids=_id)
def test_connect_is_found_in_the_open_more_menu(saved_page, path):
    page = saved_page(path)
    card = read_top_card(page)
    assert not card.direct_connect
    assert status_from_card(card) is not ConnectionStatus.CONNECTED
    item = menu_connect_item(page)
    assert item is not None
    assert item.get_attribute("aria-label") == f"Invite {card.name} to connect"
    assert not item.evaluate(IN_TOP_CARD)
    assert item.evaluate("e => !!e.closest('[role=menu]')")


@pytest.mark.parametrize("path", sorted(PAGES_DIR.glob("more_menu_open/*.html")), ids=_id)
def test_the_connect_action_path_finds_the_menu_item(saved_page, path, settings):
    """What send_connection_request does when the card has no direct Connect: click the top
    card's More, then take the menu's Invite item for this very person."""
    settings.HUMAN_DELAY_MIN = settings.HUMAN_DELAY_MAX = 0
    page = saved_page(path)
    card = read_top_card(page)
    item = open_more_connect(page, card, timeout_ms=1000)
    assert item is not None and item.get_attribute("aria-label") == f"Invite {card.name} to connect"


@pytest.mark.parametrize("path", sorted(PAGES_DIR.glob("follow_primary/*.html")), ids=_id)
def test_a_closed_more_menu_yields_no_connect(saved_page, path, settings):
    settings.HUMAN_DELAY_MIN = settings.HUMAN_DELAY_MAX = 0
    page = saved_page(path)
    assert open_more_connect(page, read_top_card(page), timeout_ms=300) is None  # scripts are off: no menu


@pytest.mark.parametrize("path", sorted(PAGES_DIR.glob("pending/*.html")), ids=_id)
def test_pending_invitation_reads_pending(saved_page, path):
    page = saved_page(path)
    card = read_top_card(page)
    assert card.pending and not card.direct_connect
    assert card.degree == 2  # the wrapped "· 1st" label on this page is not the true degree
    assert status_from_card(card) is ConnectionStatus.PENDING
    assert pending_button(page).get_attribute("aria-label").startswith("Pending, click to withdraw invitation sent to")


@pytest.mark.parametrize("path", sorted(PAGES_DIR.glob("message/*.html")), ids=_id)
def test_message_link_is_found_on_the_top_card(saved_page, path):
    page = saved_page(path)
    link = message_link(page)
    assert link is not None
    href = link.get_attribute("href")
    assert href.startswith("/messaging/compose/?profileUrn=urn%3Ali%3Afsd_profile%3A")
    assert "recipient=" in href
    card = read_top_card(page)
    assert not card.direct_connect and not card.pending
    assert card.degree == 1
    assert status_from_card(card) is ConnectionStatus.CONNECTED
