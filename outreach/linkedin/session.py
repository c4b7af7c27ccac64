"""One browser per LinkedIn account, owned by the worker process that runs that account's tasks.

- Per-process (and per-thread: Playwright objects belong to their thread) registry keyed by
  account id. Nothing starts at import: the Playwright driver and the
  account's Chromium launch on first use (see `driver.py`: Debian Chromium, stealth, fork safety);
  a registry inherited across a fork is dropped, never reused.
- Playwright's sync API is bound to the thread that started it. The account's worker runs its
  tasks one at a time in one thread (`--pool=solo` per account queue), which is what it needs.
- The login (cookies, localStorage) is Playwright's `storage_state`, kept encrypted in
  `account.session_state` and saved back after every login and action.
- An idle browser (no use for `BROWSER_IDLE_SECONDS`) is closed after the worker's next task or
  the next time the registry is touched; `close_all()` runs on worker shutdown and at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import threading
import time
from typing import Any

from celery.signals import task_postrun, worker_process_shutdown, worker_shutdown
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from crm.models import ActivityResult
from crm.services import activity_log
from outreach.linkedin import driver
from outreach.linkedin import selectors as sel
from outreach.linkedin.driver import ACTION_TIMEOUT_MS, NAV_TIMEOUT_MS, use_playwright
from outreach.linkedin.errors import (
    CheckpointRequired,
    LinkedInError,
    LoginFailed,
    ProfileUnavailable,
    RateLimited,
    SessionExpired,
)
from outreach.linkedin.pacing import human_pause, key_pause
from outreach.linkedin.urls import (
    discover_profile_ids,
    is_checkpoint_path,
    is_logged_out_path,
    path_of,
    public_id_from_url,
)
from outreach.models import AccountStatus

log = logging.getLogger(__name__)

RATE_LIMIT_STATUSES = (429, 999)
VOYAGER_HEADERS = {"accept": "application/vnd.linkedin.normalized+json+2.1", "x-restli-protocol-version": "2.0.0"}
_FETCH_JS = """async ({url, headers}) => {
  const r = await fetch(url, {credentials: 'include', headers});
  return {status: r.status, body: await r.text(), retryAfter: r.headers.get('retry-after')};
}"""
DEFAULT_RETRY_AFTER = 3600.0

_local = threading.local()


def registry() -> dict[int, BrowserSession]:
    """This thread's sessions by account id (Playwright objects are bound to their thread)."""
    if not hasattr(_local, "sessions"):
        _local.sessions = {}
    return _local.sessions


def _own_process() -> None:
    """Drop sessions inherited from a parent process (Playwright objects do not survive a fork)."""
    if driver.forked():
        registry().clear()
        driver.adopt_process()


def get_session(account) -> BrowserSession:
    """The account's browser session in this process (created lazily, reused across tasks)."""
    _own_process()
    close_idle()
    session = registry().get(account.pk)
    if session is None:
        session = registry()[account.pk] = BrowserSession(account)
    else:
        session.account = account
    return session


def close_session(account_id: int) -> None:
    session = registry().pop(account_id, None)
    if session is not None:
        session.close()


def close_idle(max_idle: float | None = None) -> int:
    """Close browsers unused for `max_idle` seconds (default BROWSER_IDLE_SECONDS). Returns how many."""
    _own_process()
    limit = settings.BROWSER_IDLE_SECONDS if max_idle is None else max_idle
    now = time.monotonic()
    idle = [pk for pk, s in registry().items() if s.started and now - s.last_used > limit]
    for pk in idle:
        close_session(pk)
    return len(idle)


def close_all(**_signal_kwargs: Any) -> None:
    """Close every browser and stop the driver (worker shutdown, exit)."""
    if driver.forked():
        return
    for pk in list(registry()):
        close_session(pk)
    driver.stop()


atexit.register(close_all)
worker_process_shutdown.connect(close_all, weak=False)  # prefork children
worker_shutdown.connect(close_all, weak=False)  # --pool=solo: tasks run in the worker itself
# After every task (in the task's own thread): close browsers nobody used for a while, so an
# account that is off-hours or paused does not keep its Chromium open between its ticks.
task_postrun.connect(lambda **_: close_idle(), weak=False)


class BrowserSession:
    """An account's Chromium, its logged-in context and its one working page."""

    def __init__(self, account) -> None:
        self.account = account
        self.account_id: int = account.pk
        self.browser: Browser | None = None
        self.context: BrowserContext | None = None
        self._page: Page | None = None
        self.verified = False  # logged in, checked since this context started
        self.own_public_id: str | None = None  # the account's own profile, never a lead
        self.last_used = time.monotonic()
        self._discovered: dict[str, None] = {}

    # --- lifecycle -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.account.base_url

    @property
    def started(self) -> bool:
        return self.browser is not None

    @property
    def page(self) -> Page:
        self._start()
        self.last_used = time.monotonic()
        assert self._page is not None
        return self._page

    def _start(self) -> None:
        if self.browser is not None and not self.browser.is_connected():
            self.browser = self.context = self._page = None  # crashed: relaunch
        if self.browser is None:
            self.browser = driver.launch()
        if self.context is None:
            self.context = driver.new_context(
                self.browser, storage_state=self._stored_state(), time_zone=self.account.time_zone
            )
            self._page = self.context.new_page()
            self.verified = False

    def _stored_state(self) -> dict | None:
        if not self.account.session_state:
            return None
        try:
            state = json.loads(self.account.session_state)
        except ValueError:
            log.warning("account %s: stored session is not JSON; logging in afresh", self.account_id)
            return None
        return state if isinstance(state, dict) and "cookies" in state else None

    def close(self) -> None:
        """Save the session and close the browser (idempotent)."""
        if self.context is not None:
            with contextlib.suppress(PlaywrightError, DatabaseError):  # the account may be gone
                self.save_state()
        if self.browser is not None:
            with contextlib.suppress(PlaywrightError):
                self.browser.close()
        self.browser = self.context = self._page = None
        self.verified = False

    def save_state(self) -> None:
        if self.context is None:
            return
        state = json.dumps(self.context.storage_state())
        if state != self.account.session_state:
            self.account.session_state = state
            self.account.save(update_fields=["session_state"])

    # --- discovery ------------------------------------------------------------------------
    def collect_profile_links(self) -> list[str]:
        """Remember the /in/ ids linked from the current page (auto-discovery)."""
        try:
            hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        except PlaywrightError:
            return []
        ids = [i for i in discover_profile_ids(hrefs) if i != self.own_public_id]
        for public_id in ids:
            self._discovered.setdefault(public_id, None)
        return ids

    @property
    def visited_profile_ids(self) -> list[str]:
        return list(self._discovered)

    def drain_discovered(self) -> list[str]:
        """Ids seen on pages visited since the last drain, in first-seen order."""
        ids, self._discovered = list(self._discovered), {}
        return ids

    # --- navigation -----------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def goto(self, path_or_url: str, *, relogin: bool = True, missing_ok: bool = False) -> Page:
        """Open a LinkedIn page as a person would; handle rate limits, checkpoints and logouts.
        A page that does not exist (404) is `ProfileUnavailable` unless `missing_ok`."""
        page = self.page
        target = path_or_url if "://" in path_or_url else self.url(path_or_url)
        human_pause()
        status = self._open(target)
        path = path_of(page.url)
        if is_checkpoint_path(path):
            self.mark_checkpoint(page.url)
        if is_logged_out_path(path) and not is_logged_out_path(path_of(target)):
            if not relogin:
                raise SessionExpired(f"still logged out after logging in again ({path})")
            self.relogin(reason=f"redirected to {path}")
            return self.goto(path_or_url, relogin=False, missing_ok=missing_ok)
        if not missing_ok and (status == 404 or path.startswith("/404")):
            raise ProfileUnavailable(f"{path_of(target)} does not exist (HTTP 404)")
        self.collect_profile_links()
        return page

    def _open(self, url: str) -> int:
        """Load `url` in the page; LinkedIn's 429/999 become `RateLimited`. Returns the HTTP status."""
        response = self.page.goto(url, wait_until="domcontentloaded")
        status = response.status if response is not None else 200
        if status in RATE_LIMIT_STATUSES:
            raise RateLimited(f"LinkedIn answered {status} for {path_of(url)}", retry_after=_retry_after(response))
        return status

    def voyager_fetch(self, path: str) -> dict:
        """GET a Voyager endpoint from inside the page, as LinkedIn's own scripts do: session
        cookies included, csrf-token = the JSESSIONID value. Returns {status, body, retryAfter}."""
        headers = {**VOYAGER_HEADERS, "csrf-token": self.csrf_token()}
        return self.page.evaluate(_FETCH_JS, {"url": self.url(path), "headers": headers})

    def _learn_own_id(self) -> None:
        """The account's own public id (from /voyager/api/me), so discovery never yields it."""
        try:
            result = self.voyager_fetch("/voyager/api/me")
            data = json.loads(result["body"]) if result["status"] == 200 else {}
        except (PlaywrightError, LinkedInError, ValueError):
            return
        for entity in data.get("included", []) if isinstance(data, dict) else []:
            if isinstance(entity, dict) and entity.get("publicIdentifier"):
                self.own_public_id = public_id_from_url(f"/in/{entity['publicIdentifier']}/")
                self._discovered.pop(self.own_public_id or "", None)
                return

    # --- login ----------------------------------------------------------------------------
    def has_session_cookie(self) -> bool:
        return any(c["name"] == "li_at" for c in self.context.cookies()) if self.context else False

    def csrf_token(self) -> str:
        """LinkedIn's csrf-token header: the JSESSIONID cookie value without its quotes."""
        for cookie in self.context.cookies(self.base_url) if self.context else []:
            if cookie["name"] == "JSESSIONID":
                return cookie["value"].strip('"')
        raise SessionExpired("no JSESSIONID cookie: not logged in")

    def ensure_logged_in(self) -> None:
        """Reuse the stored session when it still works; otherwise log in with e-mail + password."""
        page = self.page
        if self.verified:
            return
        if self.has_session_cookie():
            human_pause(0.3)
            self._open(self.url("/feed/"))
            path = path_of(page.url)
            if is_checkpoint_path(path):
                self.mark_checkpoint(page.url)
            if path.startswith("/feed"):
                self._logged_in(fresh=False)
                return
        self.login()

    def relogin(self, reason: str = "session expired") -> None:
        log.info("account %s: logging in again (%s)", self.account_id, reason)
        self.verified = False
        if self.context is not None:
            self.context.clear_cookies()
        self.login()

    def login(self) -> None:
        account = self.account
        if not account.password:
            self._login_failed("no password stored for this account")
        page = self.page
        human_pause(0.3)
        self._open(self.url("/login"))
        if path_of(page.url).startswith("/feed"):
            self._logged_in(fresh=False)
            return
        self.type_text(page.locator(sel.LOGIN_USERNAME), account.username)
        self.type_text(page.locator(sel.LOGIN_PASSWORD), account.password)
        human_pause(0.2)
        response = None
        try:
            with page.expect_navigation(wait_until="domcontentloaded") as navigation:
                page.locator(sel.LOGIN_SUBMIT).first.click()
            response = navigation.value
        except PlaywrightTimeout:
            pass  # the form answered in place (an inline error): classified below like any page
        if response is not None and response.status in RATE_LIMIT_STATUSES:
            raise RateLimited(f"LinkedIn answered {response.status} to the login", retry_after=_retry_after(response))
        path = path_of(page.url)
        if path.startswith("/feed"):
            self._logged_in(fresh=True)
        elif is_checkpoint_path(path) or (path.startswith("/checkpoint/") and not self._on_login_form()):
            self.mark_checkpoint(page.url)
        elif self._on_login_form():
            self._login_failed("LinkedIn rejected the e-mail or password")
        else:
            self._login_failed(f"login ended on an unexpected page ({path})")

    def _on_login_form(self) -> bool:
        return self.page.locator(sel.LOGIN_PASSWORD).count() > 0

    def type_text(self, field, text: str) -> None:
        """Type like a person: one key at a time with a random delay per key. A line break is
        Shift+Enter, because Enter sends the message in LinkedIn's message box."""
        field.click()
        field.fill("")
        for char in text.replace("\r\n", "\n"):
            if char == "\n":
                self.page.keyboard.press("Shift+Enter")
            else:
                self.page.keyboard.type(char)
            key_pause()

    def _logged_in(self, *, fresh: bool) -> None:
        account = self.account
        self.verified = True
        fields = []
        if account.status != AccountStatus.PAUSED:  # a user's pause outlives a successful login
            account.status, account.status_detail = AccountStatus.OK, ""
            fields += ["status", "status_detail"]
        if fresh:
            account.last_login_at = timezone.now()
            fields.append("last_login_at")
            self.log("login", detail="logged in with e-mail and password")
        if fields:
            account.save(update_fields=fields)
        self.save_state()
        if self.own_public_id is None:
            self._learn_own_id()

    def _set_status(self, status: str, detail: str) -> None:
        self.account.status, self.account.status_detail = status, detail[:500]
        self.account.save(update_fields=["status", "status_detail"])

    def _login_failed(self, detail: str) -> None:
        self._set_status(AccountStatus.NEEDS_LOGIN, detail)
        self.log("login", result=ActivityResult.FAILED, detail=detail)
        raise LoginFailed(detail)

    def mark_checkpoint(self, url: str) -> None:
        """LinkedIn wants a human check: pause the account (no retry loop) and say why."""
        detail = (
            f"LinkedIn asks for a security check ({path_of(url)}). Log in to LinkedIn in a normal "
            "browser, complete it, then resume this account."
        )
        self.verified = False
        self._set_status(AccountStatus.CHECKPOINT, detail)
        self.log("login", result=ActivityResult.FAILED, detail=detail, data={"url": url})
        raise CheckpointRequired(detail)

    # --- activity log ---------------------------------------------------------------------
    def log(self, kind: str, *, lead=None, result: str = ActivityResult.OK, detail: str = "", data=None) -> None:
        activity_log(
            team=self.account.team,
            kind=kind,
            lead=lead,
            account=self.account,
            result=result,
            detail=detail,
            data=data,
        )


def _retry_after(response) -> float:
    try:
        return float(response.headers.get("retry-after", DEFAULT_RETRY_AFTER))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


__all__ = [
    "ACTION_TIMEOUT_MS",
    "NAV_TIMEOUT_MS",
    "BrowserSession",
    "close_all",
    "close_idle",
    "close_session",
    "get_session",
    "human_pause",
    "use_playwright",
]
