"""The "Test login" button: the web process enqueues `outreach.tasks.test_login` and polls for its
result. Without a worker the page keeps polling; with tasks run eagerly against the simulator it
shows ok / wrong password / checkpoint."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from outreach.models import AccountStatus
from tests.factories import LinkedInAccountFactory, MembershipFactory
from tests.test_ui_setup_support import HTMX, eager_celery_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(eager_celery):
    """Runs a request in one helper thread, where the eager task drives its browser: Playwright's sync
    API refuses a thread with a running event loop (pytest-playwright leaves one in the main thread)."""
    from outreach.linkedin.session import close_all

    pool = ThreadPoolExecutor(max_workers=1)
    yield lambda call, *args, **kwargs: pool.submit(call, *args, **kwargs).result()
    pool.submit(close_all).result()  # closed in its own thread, while the test database still exists
    pool.shutdown()


@pytest.fixture
def account(team, owner):
    return LinkedInAccountFactory(team=team, owner=owner, username="sales@example.com", password="sandbox")


def test_without_a_worker_the_result_box_keeps_polling(owner_client, account):
    resp = owner_client.post(f"/accounts/{account.pk}/relogin/", **HTMX)
    assert b'id="login-result"' in resp.content and b"every 1s" in resp.content and b"Testing the login" in resp.content
    poll = owner_client.get(f"/accounts/{account.pk}/login-test/", **HTMX)
    assert b"every 1s" in poll.content


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)  # the browser session writes from its own thread
def test_relogin_with_the_right_password_is_ok(owner_client, account, sim, run):
    resp = run(owner_client.post, f"/accounts/{account.pk}/relogin/", **HTMX)
    assert b"Logged in" in resp.content and b"every 1s" not in resp.content
    account.refresh_from_db()
    assert account.status == AccountStatus.OK
    assert b"Logged in" in owner_client.get(f"/accounts/{account.pk}/").content  # the result survives a reload


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)  # the browser session writes from its own thread
def test_wizard_test_login_reports_a_wrong_password_and_keeps_the_form(sim, run):
    membership = MembershipFactory(onboarding_done=False, onboarding_step=3)
    from django.test import Client

    client = Client()
    client.force_login(membership.user)
    data = {
        "test": "1",
        "username": "sales@example.com",
        "password": "nope",
        "is_sandbox": "on",
        "connect_daily_limit": 20,
        "connect_weekly_limit": 100,
        "followup_daily_limit": 30,
        "active_hours_start": 9,
        "active_hours_end": 18,
    }
    resp = run(client.post, "/onboarding/3/", data, HTTP_HX_TARGET="step-form", **HTMX)
    assert resp.content.lstrip().startswith(b'<form id="step-form"')
    assert b"Wrong password" in resp.content and b'value="sales@example.com"' in resp.content
    membership.refresh_from_db()
    assert membership.onboarding_step == 3  # testing does not advance the wizard


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)  # the browser session writes from its own thread
def test_relogin_reports_a_checkpoint(owner_client, account, sim, run):
    sim.set_fault("checkpoint")
    resp = run(owner_client.post, f"/accounts/{account.pk}/relogin/", **HTMX)
    assert b"Checkpoint" in resp.content and b"security check" in resp.content
    account.refresh_from_db()
    assert account.status == AccountStatus.CHECKPOINT


def test_a_test_nobody_picks_up_says_so_after_a_while(owner_client, account):
    owner_client.post(f"/accounts/{account.pk}/relogin/", **HTMX)
    session = owner_client.session
    key = f"login-test-{account.pk}"
    state = session[key]
    state["started"] -= 120
    session[key] = state
    session.save()
    poll = owner_client.get(f"/accounts/{account.pk}/login-test/", **HTMX)
    assert b"every 1s" in poll.content and b"No browser worker has answered yet" in poll.content


def test_wizard_test_login_with_bad_input_shows_errors_and_enqueues_nothing():
    from django.test import Client

    membership = MembershipFactory(onboarding_done=False, onboarding_step=3)
    client = Client()
    client.force_login(membership.user)
    data = {"test": "1", "username": "", "password": "", "connect_daily_limit": "many"}
    resp = client.post("/onboarding/3/", data, HTTP_HX_TARGET="step-form", **HTMX)
    assert resp.content.lstrip().startswith(b'<form id="step-form"')
    assert resp.content.count(b"This field is required.") >= 2 and b"Enter a whole number." in resp.content
    assert b'<details class="more" open>' in resp.content  # the limits section opens to show its error
    assert b"Testing the login" not in resp.content
    assert not membership.team.linkedin_accounts.exists()
