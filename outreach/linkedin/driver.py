"""The process's Playwright driver and how an account's Chromium and context are made.

- Nothing starts at import: the driver starts on first use, after any fork (a Celery parent can
  fork safely); state inherited across a fork is dropped, never reused.
- Playwright's sync API is bound to the thread that started it, and only one sync Playwright may
  run per thread: the driver (and the session registry) is kept per thread, and a test thread
  that already runs pytest-playwright hands its instance over with `use_playwright`.
- Debian's Chromium via `settings.CHROMIUM_EXECUTABLE`; headless unless `BROWSER_HEADLESS=false`
  (to watch it on a server, run the browser worker under a virtual display: `xvfb-run -a ...`).
- playwright-stealth with a consistent Linux fingerprint: its evasion scripts on every context
  (platform "Linux x86_64"; no forged client-hint brands, Debian's Chromium honestly says
  "Chromium"), the desktop user agent without "Headless", `AutomationControlled` off and an
  en-US Accept-Language. Done by hand rather than by `Stealth.use_sync`, which opens a throwaway
  page in every new context just to read the user agent.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from playwright_stealth import Stealth

log = logging.getLogger(__name__)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-blink-features=AutomationControlled",
    "--accept-lang=en-US,en",
]
STEALTH = Stealth(navigator_platform_override="Linux x86_64", sec_ch_ua=False)
NAV_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 10_000

# Per thread: a sync Playwright belongs to the thread that started it. A browser worker has one
# thread; a test process may have two (its own and an in-process Celery worker's).
_local = threading.local()


def _thread_state() -> dict[str, Any]:
    if not hasattr(_local, "state"):
        _local.state = {"pid": None, "own": False, "playwright": None}
    return _local.state


def forked() -> bool:
    """True when the driver state was made by another process (or not at all yet)."""
    return _thread_state()["pid"] != os.getpid()


def adopt_process() -> None:
    """Forget a driver inherited from a parent process (unusable after fork)."""
    _thread_state().update(pid=os.getpid(), own=False, playwright=None)


def playwright() -> Playwright:
    if forked():
        adopt_process()
    state = _thread_state()
    if state["playwright"] is None:
        # The sync API keeps an asyncio loop on this thread; Django's async guard would reject the
        # ORM calls this (synchronous, single-threaded) worker makes between browser steps.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        state.update(own=True, playwright=sync_playwright().start())
    return state["playwright"]


def use_playwright(instance: Playwright) -> None:
    """Drive browsers through an already running Playwright (tests: pytest-playwright's). It is
    never stopped from here."""
    if forked():
        adopt_process()
    _thread_state().update(own=False, playwright=instance)


def stop() -> None:
    """Stop the driver if this process started it."""
    state = _thread_state()
    instance = state["playwright"]
    if not forked() and state["own"] and instance is not None:
        state.update(own=False, playwright=None)
        try:
            instance.stop()
        except Exception:  # the driver may already be gone at interpreter exit
            log.debug("playwright driver stop failed", exc_info=True)


def desktop_user_agent(browser: Browser) -> str:
    """Chromium's own Linux user agent as a headed browser sends it (reduced version, no "Headless")."""
    major = browser.version.split(".", 1)[0]
    return f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36"


def launch() -> Browser:
    return playwright().chromium.launch(
        executable_path=settings.CHROMIUM_EXECUTABLE, headless=settings.BROWSER_HEADLESS, args=CHROMIUM_ARGS
    )


def new_context(browser: Browser, *, storage_state: dict | None, time_zone: str = "") -> BrowserContext:
    """A stealthy context carrying an account's stored login (cookies, localStorage)."""
    context = browser.new_context(
        storage_state=storage_state,
        viewport={"width": 1280, "height": 900},
        locale="en-US",
        timezone_id=time_zone or None,
        user_agent=desktop_user_agent(browser),
    )
    STEALTH.apply_stealth_sync(context)
    context.set_default_navigation_timeout(NAV_TIMEOUT_MS)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context
