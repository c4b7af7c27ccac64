"""`manage.py linkedin …`: one action by hand, clear errors for bad input."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from outreach.linkedin import session as browser_sessions
from outreach.models import AccountStatus
from tests.factories import LinkedInAccountFactory


def run(*args) -> str:
    out = StringIO()
    call_command("linkedin", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "nobody@example.com", "/in/someone/"), "no LinkedIn account"),
        (("status", "999999", "/in/someone/"), "no LinkedIn account"),
        (("status", "{email}", ""), "needs a profile URL"),
        (("search", "{email}"), "needs a keyword"),
        (("status", "{email}", "https://www.linkedin.com/company/acme/"), "not a LinkedIn profile URL"),
        (("message", "{email}", "/in/someone/"), "needs the text"),
    ],
)
def test_bad_input_is_a_clear_error_before_any_browser(db, args, message):
    account = LinkedInAccountFactory()
    with pytest.raises(CommandError, match=message):
        run(*(a.format(email=account.username) for a in args))
    assert not browser_sessions.registry().get(account.pk, None) or not browser_sessions.registry()[account.pk].started


@pytest.mark.browser
def test_status_and_profile_against_the_simulator(sim_session, db, playwright, settings):
    browser_sessions.use_playwright(playwright)
    settings.HUMAN_DELAY_MIN = settings.HUMAN_DELAY_MAX = 0
    settings.TYPING_DELAY_MIN_MS = settings.TYPING_DELAY_MAX_MS = 0
    account = LinkedInAccountFactory(password="sandbox", status=AccountStatus.NEEDS_LOGIN)
    target = next(pid for pid, p in sim_session.state.people.items() if p["initial"] == "connected")
    status = json.loads(run("status", str(account.pk), f"{sim_session.url}/in/{target}/?trk=x"))
    assert status == {"public_id": target, "status": "connected"}
    profile = json.loads(run("profile", account.username, target))
    assert profile["public_id"] == target and profile["connection_degree"] == 1
    account.refresh_from_db()
    assert account.status == AccountStatus.OK and account.session_state  # saved when the command closed
    sim_session.set_fault("http_999")
    with pytest.raises(CommandError, match="RateLimited"):
        run("search", account.username, "engineer")
