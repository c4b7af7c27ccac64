"""CSS selectors for LinkedIn's pages (early-2026 "SDUI" layout). Stable hooks only: class names
are hashed and change with every deploy, so everything here keys on componentkey suffixes,
aria-labels, roles, hrefs and form ids.

What the saved real pages taught (tests/test_real_pages.py reads every one of them):
- Cards are `section[componentkey=…ref<memberId><Card>]`; a `div` carries the same key, so the
  top card is the *section*. The "people also viewed" rail and a sticky header repeat
  Invite/Follow/Pending/Message controls for the same or other people: scope to the top card.
- The top card's More button has no aria-label on linkedin.com (text "More"); the simulator
  labels it "More actions". Its menu is a portal at the end of `body` (`div[role=menu]`, inside a
  `popover` container), so the menu's Connect item is looked up page-wide.
- The top card's Message control is an anchor to `/messaging/compose/?…recipient=…` whose text is
  "Message" (aria-label "Message" only on rail cards, so it is not required).
"""

import re

# A selector is a CSS string, or (CSS, regex on the element's whole text) when only the visible
# text identifies it (Playwright's `:text-is()` matches the innermost element, not the button).
TOP_CARD = 'section[componentkey$="Topcard"]'
NAME = "h1, h2"
INVITE_LABEL = '[aria-label^="Invite "][aria-label$=" to connect"]'
CONNECT_TEXT = re.compile(r"^\s*Connect\s*$")
DIRECT_CONNECT = (INVITE_LABEL, ('button, [role="button"]', CONNECT_TEXT))
PENDING = ('[aria-label^="Pending, click to withdraw invitation"]', ("button, a", re.compile(r"^\s*Pending\s*$")))
MESSAGE = 'a[href*="/messaging/compose/"][href*="recipient="], a[aria-label="Message"], button[aria-label^="Message "]'
FOLLOW = '[aria-label^="Follow "]'
MORE = ('button[aria-label="More actions"]', ("button", re.compile(r"^\s*More\s*$")))
MENU = '[role="menu"]'
MENU_CONNECT_FALLBACK = (('[role="menuitem"]', CONNECT_TEXT),)

# Connect dialog
DIALOG = '[role="dialog"]'
SEND_WITHOUT_NOTE = (
    'button[aria-label*="Send without"], button:has-text("Send without a note"), button:has-text("Send now")'
)
WEEKLY_LIMIT = 'div[class*="ip-fuse-limit-alert__warning"]'
WEEKLY_LIMIT_TEXT = "weekly invitation limit"
ERROR_TOAST = 'div[data-test-artdeco-toast-item-type="error"]'
CLICK_BLOCKER = '[data-testid="interop-shadowdom"]'

# Messaging
MESSAGE_BOX = (
    'div[role="textbox"][contenteditable="true"][aria-label*="Write a message"], '
    'div[role="textbox"][contenteditable="true"]'
)
MESSAGE_SEND = 'button.msg-form__send-button, button[type="submit"]:has-text("Send")'
THREAD_LIST = ".msg-s-message-list-content, .msg-s-message-list"
THREAD_EVENT = "li.msg-s-message-list__event"
THREAD_BODY = "p.msg-s-event-listitem__body"

# Login
LOGIN_USERNAME = "input#username"
LOGIN_PASSWORD = "input#password"
LOGIN_SUBMIT = 'button[type="submit"]'
LOGIN_ERROR = "#error-for-password, #error-for-username, .form__label--error, [role=alert]"

# Search
SEARCH_RESULT_LINKS = 'main a[href*="/in/"], li a[href*="/in/"]'

Selector = str | tuple[str, re.Pattern[str]]
