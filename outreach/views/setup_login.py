""" "Test login" for a LinkedIn account: the web process never drives a browser, it enqueues the
`outreach.tasks.test_login` task on the account's queue and the page polls for its result."""

import time

from celery.result import AsyncResult
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from outreach.models import LinkedInAccount
from outreach.tasks import test_login
from outreach.views.setup_access import get_account_for_user

PARTIAL = "outreach/setup/login_test.html#login-result"
STALLED_AFTER = 60  # seconds without a result: say that no browser worker seems to be running
MESSAGES = {
    "ok": "Logged in: the account works.",
    "needs_login": "LinkedIn rejected the e-mail or password. Check them and test again.",
    "checkpoint": "LinkedIn asks for a security check (checkpoint). Log in once in your own browser, "
    "complete the check, then test again.",
}


def _session_key(account: LinkedInAccount) -> str:
    return f"login-test-{account.pk}"


def start_test_login(request: HttpRequest, account: LinkedInAccount) -> None:
    """Enqueue a login test and remember it in the session (the result itself when it ran eagerly)."""
    result = test_login.apply_async(kwargs={"account_id": account.pk})  # the engine routes it to the account
    state: dict = {"task_id": result.id, "started": time.time()}
    if result.ready():
        state["result"] = _outcome(result)
    request.session[_session_key(account)] = state


def _outcome(result: AsyncResult) -> dict:
    if result.successful() and isinstance(result.result, dict):
        return result.result
    return {"ok": False, "status": "error", "detail": f"The test could not run: {result.result!r}"}


def login_test_state(request: HttpRequest, account: LinkedInAccount) -> dict | None:
    """None when no test was started; else dict(done, ok, status, message)."""
    state = request.session.get(_session_key(account))
    if not state:
        return None
    if "result" not in state:
        async_result = AsyncResult(state["task_id"])
        if not async_result.ready():
            waited = time.time() - state.get("started", time.time())
            return {"done": False, "stalled": waited > STALLED_AFTER}
        state["result"] = _outcome(async_result)
        request.session[_session_key(account)] = state
    outcome = state["result"]
    status = "ok" if outcome.get("ok") else outcome.get("status", "error")
    message = MESSAGES.get(status) or outcome.get("detail") or "The login test failed."
    detail = outcome.get("detail", "")
    if detail.rstrip(".") in message:
        detail = ""
    return {
        "done": True,
        "ok": bool(outcome.get("ok")),
        "status": status,
        "message": message,
        "detail": detail,
    }


def render_login_test(request: HttpRequest, account: LinkedInAccount) -> HttpResponse:
    return render(request, PARTIAL, {"account": account, "test": login_test_state(request, account)})


@login_required
@require_GET
def login_test_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx every second until the test is done."""
    return render_login_test(request, get_account_for_user(request, pk))
