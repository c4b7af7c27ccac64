"""Acting on a live LinkedIn page: clicking past overlays, waiting for one of several outcomes,
the top card, and the More menu's Connect item."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from outreach.linkedin import selectors as sel
from outreach.linkedin.driver import ACTION_TIMEOUT_MS
from outreach.linkedin.errors import ElementMissing, RateLimited
from outreach.linkedin.locators import TopCard, menu_connect_item, more_button, read_top_card
from outreach.linkedin.pacing import human_pause

POLL_MS = 100


def click(page: Page, target: Locator, *, what: str) -> None:
    """Click like a person; when LinkedIn's full-page interop overlay swallows the pointer, send
    the click to the element itself."""
    human_pause(0.3)
    try:
        target.click(timeout=ACTION_TIMEOUT_MS / 2)
    except PlaywrightTimeout as exc:
        if page.locator(sel.CLICK_BLOCKER).count():
            target.dispatch_event("click")
            return
        raise ElementMissing(f"could not click {what}: {exc.message.splitlines()[0]}") from exc


def wait_for(page: Page, checks: dict[str, Callable[[], bool]], timeout_ms: float = ACTION_TIMEOUT_MS) -> str | None:
    """Poll until one check holds; returns its name, or None after `timeout_ms`."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        for name, check in checks.items():
            try:
                if check():
                    return name
            except PlaywrightError:
                pass  # the page is navigating; ask again
        if time.monotonic() >= deadline:
            return None
        page.wait_for_timeout(POLL_MS)


def present(page: Page, selector: str) -> Callable[[], bool]:
    return lambda: page.locator(selector).count() > 0


def rate_limit_page(page: Page) -> bool:
    """LinkedIn's 'too many requests' interstitial served with a 200."""
    return (
        page.locator("body").filter(has_text="Too many requests").count() > 0 and not page.locator(sel.TOP_CARD).count()
    )


def wait_top_card(page: Page) -> TopCard:
    """The profile's top card once it is in the DOM (LinkedIn may render it after load)."""
    if wait_for(page, {"card": present(page, sel.TOP_CARD)}) is None:
        if rate_limit_page(page):
            raise RateLimited("LinkedIn shows 'too many requests'")
        raise ElementMissing(f"no profile top card on {page.url}")
    return read_top_card(page)


def weekly_limit_shown(page: Page) -> bool:
    return (
        page.locator(sel.WEEKLY_LIMIT).count() > 0
        or page.locator(sel.DIALOG).filter(has_text=sel.WEEKLY_LIMIT_TEXT).count() > 0
    )


def open_more_connect(page: Page, card: TopCard, *, timeout_ms: float = 4000) -> Locator | None:
    """Open the top card's More menu and return its Connect item (None when it has none; the menu
    is then closed again)."""
    more = more_button(page)
    if more is None:
        return None
    click(page, more, what="the top card's More button")
    has_connect = lambda: menu_connect_item(page, card.name) is not None  # noqa: E731
    menu_open = lambda: page.locator(sel.MENU).filter(visible=True).count() > 0  # noqa: E731
    found = wait_for(page, {"connect": has_connect, "menu": menu_open}, timeout_ms)
    if found == "menu":  # the menu is open; give its items a moment to render
        found = wait_for(page, {"connect": has_connect}, 500)
    if found == "connect":
        return menu_connect_item(page, card.name)
    page.keyboard.press("Escape")
    return None
