"""LinkedIn accounts: list, add/edit, detail with usage bars, pause/resume in place, re-login."""

import pytest
from django.test import Client

from crm.models import Role
from outreach.models import AccountStatus, LinkedInAccount
from tests.factories import ActivityFactory, LinkedInAccountFactory, MembershipFactory
from tests.test_ui_setup_support import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team, owner):
    return LinkedInAccountFactory(team=team, owner=owner, username="seller@example.com")


def form_data(**extra) -> dict:
    data = {
        "username": "new@example.com",
        "password": "sandbox",
        "is_sandbox": "on",
        "connect_daily_limit": 10,
        "connect_weekly_limit": 50,
        "followup_daily_limit": 20,
        "time_zone": "",
        "active_hours_start": 8,
        "active_hours_end": 17,
    }
    data.update(extra)
    return data


def test_empty_list_says_what_to_do(owner_client):
    resp = owner_client.get("/accounts/")
    assert b"No LinkedIn accounts yet" in resp.content and b'href="/accounts/new/"' in resp.content


def test_list_shows_status_and_usage_against_limits(owner_client, account, team):
    for _ in range(3):
        ActivityFactory(team=team, account=account, kind="connect")
    ActivityFactory(team=team, account=account, kind="connect", result="failed")
    LinkedInAccountFactory(username="elsewhere@example.com")
    resp = owner_client.get("/accounts/")
    assert b"seller@example.com" in resp.content and b"elsewhere" not in resp.content
    assert b'<progress max="20" value="' in resp.content and b"/ 20</span>" in resp.content


def test_add_account_encrypts_password_and_owns_it(owner_client, team, owner):
    resp = owner_client.post("/accounts/new/", form_data())
    account = LinkedInAccount.objects.get(team=team)
    assert resp["Location"] == f"/accounts/{account.pk}/"
    assert (account.owner, account.password, account.connect_daily_limit) == (owner, "sandbox", 10)


def test_add_account_with_bad_input_shows_errors_and_creates_nothing(owner_client, account):
    data = form_data(username="SELLER@example.com", password="", active_hours_end=30, connect_weekly_limit=1)
    resp = owner_client.post("/accounts/new/", data)
    for message in (b"already has this account", b"This field is required.", b"from 1 to 24", b"at least the daily"):
        assert message in resp.content
    assert LinkedInAccount.objects.count() == 1


def test_edit_keeps_the_password_when_left_empty(owner_client, account):
    resp = owner_client.post(f"/accounts/{account.pk}/edit/", form_data(username=account.username, password=""))
    assert resp.status_code == 302
    account.refresh_from_db()
    assert account.password == "linkedin-secret" and account.connect_daily_limit == 10


def test_detail_shows_usage_status_and_recent_activity(owner_client, account, team):
    ActivityFactory(team=team, account=account, kind="connect", detail="invited someone")
    resp = owner_client.get(f"/accounts/{account.pk}/")
    assert b"invited someone" in resp.content and b"Invitations today" in resp.content
    assert b'id="account-status"' in resp.content and b"Pause account" in resp.content


def test_detail_without_activity_says_what_happens(owner_client, account):
    assert b"Nothing yet" in owner_client.get(f"/accounts/{account.pk}/").content


def test_pause_and_resume_swap_the_status_box(owner_client, account):
    resp = owner_client.post(f"/accounts/{account.pk}/toggle/", **HTMX)
    assert resp.content.lstrip().startswith(b'<div id="account-status"') and b"Resume account" in resp.content
    account.refresh_from_db()
    assert not account.active and account.status == AccountStatus.PAUSED
    resp = owner_client.post(f"/accounts/{account.pk}/toggle/", **HTMX)
    account.refresh_from_db()
    assert account.active and account.status != AccountStatus.PAUSED and b"Pause account" in resp.content


def test_pause_without_htmx_redirects_back(owner_client, account):
    assert owner_client.post(f"/accounts/{account.pk}/toggle/")["Location"] == f"/accounts/{account.pk}/"


def test_teammate_may_pause_but_not_edit_someone_elses_account(team, account):
    member = MembershipFactory(team=team, role=Role.MEMBER).user
    client = Client()
    client.force_login(member)
    assert client.get(f"/accounts/{account.pk}/").status_code == 200
    assert client.post(f"/accounts/{account.pk}/toggle/").status_code == 302
    assert client.get(f"/accounts/{account.pk}/edit/").status_code == 404
    assert client.post(f"/accounts/{account.pk}/relogin/").status_code == 404


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "edit/"),
        ("post", "edit/"),
        ("post", "toggle/"),
        ("post", "relogin/"),
        ("get", "login-test/"),
    ],
)
def test_outsider_gets_404(outsider_client, account, method, suffix):
    assert getattr(outsider_client, method)(f"/accounts/{account.pk}/{suffix}").status_code == 404
    account.refresh_from_db()
    assert account.active


def test_login_required(client, account):
    assert client.get("/accounts/")["Location"].startswith("/login/")


def test_login_status_before_any_test_is_empty(owner_client, account):
    resp = owner_client.get(f"/accounts/{account.pk}/login-test/", **HTMX)
    assert b'id="login-result"' in resp.content and b"every 1s" not in resp.content


def test_status_box_refreshes_itself_with_the_current_status(owner_client, account):
    LinkedInAccount.objects.filter(pk=account.pk).update(status=AccountStatus.CHECKPOINT, status_detail="challenge")
    resp = owner_client.get(f"/accounts/{account.pk}/", HTTP_HX_TARGET="account-status", **HTMX)
    assert resp.content.lstrip().startswith(b'<div id="account-status"') and b"Checkpoint" in resp.content
    assert b'hx-trigger="every 20s"' in resp.content and b"<html" not in resp.content
