"""Reading a profile page: the top card's controls, the More menu, and the connection status.

These functions are what the actions use and what the real-page tests run on saved linkedin.com
pages (JavaScript off, no network), so they only read the DOM: no waiting on page scripts.
Everything is scoped to the profile's own top card, except the More menu, which LinkedIn renders
as a portal at the end of `body`; its Connect item is matched by the top card's own name so a
rail card's Invite button can never be taken for it.

The top card's name row can carry two degree labels; the true one is the label placed directly
in the row (the other sits in a `data-display-contents` wrapper and said "1st" on a pending
invitation's page, which cannot be a connection). See `read_degree`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from playwright.sync_api import Locator, Page

from outreach.linkedin import selectors as sel


class ConnectionStatus(StrEnum):
    CONNECTED = "connected"
    PENDING = "pending"
    CAN_CONNECT = "can_connect"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TopCard:
    """What the profile's own top card shows."""

    found: bool
    name: str = ""
    degree: int | None = None
    direct_connect: bool = False
    pending: bool = False
    message: bool = False
    follow: bool = False
    more: bool = False


_DEGREE_JS = """(top) => {
  const re = /^(?:·\\s*)?(1st|2nd|3rd)\\+?$/;
  const hits = [...top.querySelectorAll('p, span, div, li')]
    .filter(e => e.children.length === 0 && re.test(e.textContent.trim()));
  if (!hits.length) return null;
  const direct = hits.filter(e => !(e.parentElement && e.parentElement.matches('[data-display-contents]')));
  const pick = (direct.length ? direct : hits)[0];
  return parseInt(pick.textContent.trim().match(re)[1], 10);
}"""


def top_card(page: Page) -> Locator:
    return page.locator(sel.TOP_CARD).first


def _first(scope: Locator | Page, *alternatives: sel.Selector) -> Locator | None:
    """The first element matching the first alternative that matches anything."""
    for alt in alternatives:
        found = scope.locator(alt) if isinstance(alt, str) else scope.locator(alt[0]).filter(has_text=alt[1])
        if found.count():
            return found.first
    return None


def read_name(page: Page) -> str:
    for heading in top_card(page).locator(sel.NAME).all():
        text = re.sub(r"\s+", " ", heading.text_content() or "").strip()
        if text:
            return text
    return ""


def read_degree(page: Page) -> int | None:
    """The connection degree the top card shows (1, 2, 3) or None when it shows none."""
    card = top_card(page)
    return card.evaluate(_DEGREE_JS) if card.count() else None


def direct_connect_button(page: Page) -> Locator | None:
    """The Connect control on the top card itself (a `div[role=button]` on linkedin.com)."""
    return _first(top_card(page), *sel.DIRECT_CONNECT)


def pending_button(page: Page) -> Locator | None:
    return _first(top_card(page), *sel.PENDING)


def message_link(page: Page) -> Locator | None:
    """The top card's Message link. Present for creators too: it is NOT a sign of 1st degree."""
    return _first(top_card(page), sel.MESSAGE)


def more_button(page: Page) -> Locator | None:
    return _first(top_card(page), *sel.MORE)


def menu_connect_item(page: Page, name: str | None = None) -> Locator | None:
    """The Connect item of the open More menu (page-wide: the menu is a portal outside the card)."""
    menus = page.locator(sel.MENU)
    if not menus.count():
        return None
    name = name if name is not None else read_name(page)
    if name:
        label = name.replace("\\", "\\\\").replace('"', '\\"')
        item = _first(menus, f'[aria-label="Invite {label} to connect"]')
        if item is not None:
            return item
    return _first(menus, *sel.MENU_CONNECT_FALLBACK)


def read_top_card(page: Page) -> TopCard:
    card = top_card(page)
    if not card.count():
        return TopCard(found=False)
    return TopCard(
        found=True,
        name=read_name(page),
        degree=read_degree(page),
        direct_connect=direct_connect_button(page) is not None,
        pending=pending_button(page) is not None,
        message=message_link(page) is not None,
        follow=card.locator(sel.FOLLOW).count() > 0,
        more=more_button(page) is not None,
    )


def status_from_card(card: TopCard) -> ConnectionStatus:
    """Status from the top card alone. UNKNOWN means "maybe under More": opening it is an action.

    Message without Connect is a creator profile, not a connection, so only the degree label
    says CONNECTED.
    """
    if card.pending:
        return ConnectionStatus.PENDING
    if card.degree == 1:
        return ConnectionStatus.CONNECTED
    if card.direct_connect:
        return ConnectionStatus.CAN_CONNECT
    return ConnectionStatus.UNKNOWN
