"""Every LinkedIn action, run through an account's logged-in browser session.

Each action records an Activity (kinds: login, scrape, status, connect, message, search, read)
and either returns a clear result or raises one of the typed errors in `errors.py` (or
`VoyagerParseError` for a malformed profile). A skipped profile (private, deleted, malformed) is
logged with result "skipped" and its reason; a browser failure becomes a `LinkedInError`, never a
crash of the worker.

Weekly invitation limit: LinkedIn counts a rolling week and does not say when the window ends,
so the account's weekly budget is closed for 7 days from the refusal (`WEEKLY_LIMIT_PAUSE`).
"""

from __future__ import annotations

import contextlib
import functools
import json
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from crm.models import ActivityResult, Lead
from outreach.linkedin import selectors as sel
from outreach.linkedin.errors import (
    ElementMissing,
    LinkedInError,
    ProfileUnavailable,
    RateLimited,
    ReachedConnectionLimit,
    SessionExpired,
)
from outreach.linkedin.interact import click, open_more_connect, present, wait_for, wait_top_card, weekly_limit_shown
from outreach.linkedin.locators import (
    ConnectionStatus,
    direct_connect_button,
    message_link,
    pending_button,
    read_degree,
    status_from_card,
)
from outreach.linkedin.pacing import human_pause
from outreach.linkedin.session import BrowserSession, get_session
from outreach.linkedin.urls import discover_profile_ids, profile_url
from outreach.linkedin.voyager import VoyagerParseError, parse_profile

WEEKLY_LIMIT_PAUSE = timedelta(days=7)
OVERLAY_TIMEOUT_MS = 5000  # how long the Message pop-up may take before the thread page is used
VOYAGER_PROFILE = (
    "/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity={id}"
    "&decorationId=com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-91"
)
_THREAD_JS = """(events) => events.map(e => {
  const body = e.querySelector('p.msg-s-event-listitem__body');
  const sender = e.getAttribute('data-sender');
  const incoming = sender ? sender === 'them' : /msg-s-event-listitem--other/.test(e.innerHTML);
  return {direction: incoming ? 'in' : 'out', text: (body ? body.textContent : e.textContent).trim()};
})"""

__all__ = [
    "ConnectionStatus",
    "connection_status",
    "read_conversation",
    "scrape_profile",
    "search_people",
    "send_connection_request",
    "send_message",
    "test_login",
]


def _lead(session: BrowserSession, public_id: str) -> Lead | None:
    return Lead.objects.filter(team_id=session.account.team_id, public_id=public_id).first()


def _action(kind: str, *, about_profile: bool = True):
    """Log failures of an action as Activities and turn browser errors into LinkedInError."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(session: BrowserSession, *args, **kwargs):
            lead = _lead(session, args[0]) if about_profile and args else None
            try:
                return fn(session, *args, **kwargs)
            except (VoyagerParseError, ProfileUnavailable) as exc:
                session.log(kind, lead=lead, result=ActivityResult.SKIPPED, detail=f"skipped: {exc}")
                if kind == "scrape" and lead is not None:  # the lead says why it has no profile
                    Lead.objects.filter(pk=lead.pk).update(enrich_error=f"{type(exc).__name__}: {exc}"[:500])
                raise
            except LinkedInError as exc:
                session.log(kind, lead=lead, result=ActivityResult.FAILED, detail=f"{type(exc).__name__}: {exc}")
                raise
            except PlaywrightError as exc:
                detail = f"browser error: {exc.message.splitlines()[0] if exc.message else exc}"
                session.log(kind, lead=lead, result=ActivityResult.FAILED, detail=detail)
                raise LinkedInError(f"{kind} failed: {detail}") from exc
            finally:
                if session.context is not None:
                    with contextlib.suppress(PlaywrightError):
                        session.save_state()

        return run

    return decorate


def _profile_path(session: BrowserSession, public_id: str) -> str:
    return profile_url(public_id, session.base_url)


# --- Voyager ------------------------------------------------------------------------------------
def _voyager_get(session: BrowserSession, path: str) -> dict:
    """GET a Voyager endpoint from inside the logged-in page; one re-login on 401."""
    session.ensure_logged_in()
    page = session.page
    if not page.url.startswith(session.base_url):
        session.goto("/feed/")
    human_pause(0.3)
    result: dict = {}
    for attempt in range(2):
        result = session.voyager_fetch(path)
        if result["status"] != 401 or attempt:
            break
        session.relogin("Voyager answered 401")
        session.goto("/feed/")
    return result


@_action("scrape")
def scrape_profile(session: BrowserSession, public_id: str) -> tuple[dict, dict]:
    """The parsed profile and the raw Voyager JSON of `public_id`."""
    result = _voyager_get(session, VOYAGER_PROFILE.format(id=quote(public_id, safe="")))
    status = result["status"]
    if status == 401:
        raise SessionExpired("Voyager still answers 401 after logging in again")
    if status in (403, 404):
        raise ProfileUnavailable(f"profile {public_id} is private, deleted or restricted (HTTP {status})")
    if status in (429, 999):
        retry = float(result["retryAfter"]) if (result.get("retryAfter") or "").isdigit() else 3600.0
        raise RateLimited(f"Voyager answered {status}", retry_after=retry)
    if status != 200:
        raise LinkedInError(f"Voyager answered HTTP {status} for {public_id}")
    try:
        raw = json.loads(result["body"])
    except ValueError as exc:
        raise VoyagerParseError(f"the response is not JSON ({exc})") from exc
    parsed = parse_profile(raw)
    session.log("scrape", lead=_lead(session, public_id), detail=f"profile {parsed['public_id']} fetched")
    return parsed, raw


# --- profile page ---------------------------------------------------------------------------------
def _read_status(session: BrowserSession, *, open_more: bool) -> ConnectionStatus:
    page = session.page
    card = wait_top_card(page)
    status = status_from_card(card)
    if status is ConnectionStatus.UNKNOWN and open_more and card.more and open_more_connect(page, card) is not None:
        status = ConnectionStatus.CAN_CONNECT
        page.keyboard.press("Escape")
    return status


@_action("status")
def connection_status(session: BrowserSession, public_id: str) -> ConnectionStatus:
    """CONNECTED (1st degree), PENDING (invitation sent), CAN_CONNECT, or UNKNOWN (no way to connect)."""
    session.ensure_logged_in()
    session.goto(_profile_path(session, public_id))
    status = _read_status(session, open_more=True)
    session.log("status", lead=_lead(session, public_id), detail=f"{public_id}: {status}", data={"status": status})
    return status


def _weekly_limit(session: BrowserSession, public_id: str) -> None:
    account = session.account
    account.weekly_exhausted_until = timezone.now() + WEEKLY_LIMIT_PAUSE
    account.save(update_fields=["weekly_exhausted_until"])
    session.page.keyboard.press("Escape")
    raise ReachedConnectionLimit(
        f"LinkedIn's weekly invitation limit was reached while inviting {public_id}; "
        f"no invitations until {account.weekly_exhausted_until:%Y-%m-%d %H:%M} UTC"
    )


@_action("connect")
def send_connection_request(session: BrowserSession, public_id: str) -> ConnectionStatus:
    """Invite `public_id` without a note: the top card's Connect, else the one under More."""
    session.ensure_logged_in()
    page = session.goto(_profile_path(session, public_id))
    card = wait_top_card(page)
    status = status_from_card(card)
    lead = _lead(session, public_id)
    if status in (ConnectionStatus.PENDING, ConnectionStatus.CONNECTED):
        session.log("connect", lead=lead, result=ActivityResult.SKIPPED, detail=f"already {status}")
        return status
    button = direct_connect_button(page) or open_more_connect(page, card)
    if button is None:
        raise ElementMissing(f"no Connect on {public_id}'s top card or in its More menu")
    click(page, button, what="Connect")
    sent = lambda: pending_button(page) is not None or read_degree(page) == 1  # noqa: E731
    outcome = wait_for(
        page, {"limit": lambda: weekly_limit_shown(page), "send": present(page, sel.SEND_WITHOUT_NOTE), "sent": sent}
    )
    if outcome == "send":
        click(page, page.locator(sel.SEND_WITHOUT_NOTE).first, what="Send without a note")
        outcome = wait_for(
            page, {"limit": lambda: weekly_limit_shown(page), "sent": sent, "error": present(page, sel.ERROR_TOAST)}
        )
    if outcome == "limit":
        _weekly_limit(session, public_id)
    if outcome == "error":
        raise LinkedInError(f"LinkedIn refused the invitation: {page.locator(sel.ERROR_TOAST).first.inner_text()}")
    status = ConnectionStatus.PENDING
    if outcome != "sent":  # confirm from a fresh page rather than trusting the click
        session.goto(_profile_path(session, public_id))
        status = _read_status(session, open_more=False)
        if status not in (ConnectionStatus.PENDING, ConnectionStatus.CONNECTED):
            raise ElementMissing(f"the invitation to {public_id} was not confirmed (no Pending on the top card)")
    elif pending_button(page) is None:
        status = ConnectionStatus.CONNECTED  # accepted at once
    session.log("connect", lead=lead, detail=f"invitation sent to {public_id} without a note", data={"status": status})
    return status


# --- messaging ------------------------------------------------------------------------------------
def _recipient(href: str | None, lead: Lead | None) -> str | None:
    """The member id LinkedIn's compose links use (`recipient=ACoAA…`), from a link or the lead's urn."""
    if href:
        values = parse_qs(urlsplit(href).query).get("recipient")
        if values:
            return values[0]
    if lead is not None and lead.urn:
        return lead.urn.rsplit(":", 1)[-1]
    return None


@_action("message")
def send_message(session: BrowserSession, public_id: str, text: str) -> None:
    """Send `text` to a connection: the Message overlay from the profile, else the new-thread page."""
    if not text or not text.strip():
        raise ValueError("refusing to send an empty message")
    session.ensure_logged_in()
    page = session.goto(_profile_path(session, public_id))
    wait_top_card(page)
    lead = _lead(session, public_id)
    link = message_link(page)
    box_present = present(page, sel.MESSAGE_BOX)
    recipient = _recipient(link.get_attribute("href") if link is not None else None, lead)
    opened = None
    if link is not None:
        click(page, link, what="Message")
        opened = wait_for(page, {"box": box_present}, OVERLAY_TIMEOUT_MS)
    if opened is None:
        if recipient is None:
            raise ElementMissing(f"no Message link on {public_id}'s profile and no member id to write to")
        page = session.goto(f"/messaging/thread/new/?recipient={quote(recipient, safe='')}")
        if wait_for(page, {"box": box_present}) is None:
            raise ElementMissing(f"no message box for {public_id}")
    box = page.locator(sel.MESSAGE_BOX).last
    session.type_text(box, text)
    form = box.locator("xpath=ancestor::form[1]")
    send = form.locator(sel.MESSAGE_SEND) if form.count() else page.locator(sel.MESSAGE_SEND)
    click(page, send.last, what="Send")
    snippet = text.strip()[:60]
    sent = wait_for(
        page,
        {
            "shown": lambda: page.locator(sel.THREAD_BODY).filter(has_text=snippet).count() > 0,
            "error": present(page, sel.ERROR_TOAST),
        },
    )
    if sent == "error":
        toast = page.locator(sel.ERROR_TOAST).last.inner_text().strip()
        raise LinkedInError(f"LinkedIn refused the message to {public_id}: {toast}")
    if sent is None:
        raise LinkedInError(f"the message to {public_id} was not confirmed by LinkedIn")
    session.log("message", lead=lead, detail=f"message sent to {public_id}", data={"length": len(text)})


@_action("read")
def read_conversation(session: BrowserSession, public_id: str) -> list[dict]:
    """The conversation with `public_id`, oldest first: [{direction: 'in'|'out', text}].

    Reads the thread page `/messaging/thread/<public_id>/`; where that shows no conversation list
    (linkedin.com keys threads by its own ids), opens the profile's Message pop-up and reads it there.
    """
    session.ensure_logged_in()
    page = session.goto(f"/messaging/thread/{quote(public_id, safe='')}/", missing_ok=True)
    if not page.locator(sel.THREAD_LIST).count():
        page = session.goto(_profile_path(session, public_id))
        wait_top_card(page)
        link = message_link(page)
        if link is None:
            raise ElementMissing(f"no conversation with {public_id} and no Message link on the profile")
        click(page, link, what="Message")
        if wait_for(page, {"list": present(page, sel.THREAD_LIST)}, OVERLAY_TIMEOUT_MS) is None:
            raise ElementMissing(f"the conversation with {public_id} did not open")
    events = page.locator(sel.THREAD_EVENT)
    messages = events.evaluate_all(_THREAD_JS) if events.count() else []
    incoming = sum(m["direction"] == "in" for m in messages)
    session.log(
        "read",
        lead=_lead(session, public_id),
        detail=f"{len(messages)} messages, {incoming} from {public_id}",
        data={"count": len(messages), "incoming": incoming},
    )
    return messages


# --- search and login -----------------------------------------------------------------------------
@_action("search", about_profile=False)
def search_people(session: BrowserSession, keyword: str, page: int = 1) -> list[str]:
    """Public ids on one page of LinkedIn's people search for `keyword`, in result order."""
    if not keyword or not keyword.strip():
        raise ValueError("a search needs a keyword")
    if page < 1:
        raise ValueError("search pages start at 1")
    session.ensure_logged_in()
    path = f"/search/results/people/?keywords={quote(keyword.strip())}&origin=GLOBAL_SEARCH_HEADER&page={page}"
    browser_page = session.goto(path)
    scope = "main" if browser_page.locator("main").count() else "body"
    hrefs = browser_page.eval_on_selector_all(f'{scope} a[href*="/in/"]', "els => els.map(e => e.getAttribute('href'))")
    ids = [i for i in discover_profile_ids(hrefs) if i != session.own_public_id]
    session.log(
        "search",
        detail=f"{keyword!r} page {page}: {len(ids)} profiles",
        data={"keyword": keyword, "page": page, "count": len(ids)},
    )
    return ids


def test_login(account) -> dict:
    """Log in (or confirm the stored session) and say how it went: {ok, status, detail}."""
    session = get_session(account)
    session.verified = False
    try:
        session.ensure_logged_in()
    except LinkedInError as exc:
        return {"ok": False, "status": account.status, "detail": str(exc)}
    except PlaywrightError as exc:
        return {"ok": False, "status": account.status, "detail": f"browser error: {exc.message.splitlines()[0]}"}
    return {"ok": True, "status": account.status, "detail": "logged in to LinkedIn"}


test_login.__test__ = False  # not a pytest test when imported into a test module
