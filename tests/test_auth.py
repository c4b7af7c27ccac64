"""Sign-up, teams and scoping: every user belongs to one team; another team's objects are a 404."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from crm.access import get_lead_for_user
from crm.models import Invitation, Membership, Role
from tests.conftest import screenshot
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_signup_creates_a_team_owned_by_the_new_user():
    client = Client()
    resp = client.post(
        "/signup/", {"username": "ada", "email": "", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42"}
    )
    assert resp.status_code == 302
    membership = Membership.objects.get(user__username="ada")
    assert membership.role == Role.OWNER
    assert membership.team.name == "ada's team"


def test_signup_with_bad_input_rerenders_with_errors_and_creates_nothing():
    client = Client()
    resp = client.post("/signup/", {"username": "ada", "password1": "x", "password2": "y"})
    assert resp.status_code == 200
    assert b'role="alert"' in resp.content
    assert not User.objects.filter(username="ada").exists()


def test_invitation_joins_the_existing_team_as_member(owner, team):
    invite = Invitation.objects.create(team=team, created_by=owner)
    client = Client()
    resp = client.post(
        f"/signup/?invite={invite.token}",
        {"username": "bob", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42", "invite": invite.token},
    )
    assert resp.status_code == 302
    membership = Membership.objects.get(user__username="bob")
    assert (membership.team, membership.role) == (team, Role.MEMBER)
    invite.refresh_from_db()
    assert invite.accepted_at is not None


def test_used_or_unknown_invitation_is_a_404(owner, team):
    invite = Invitation.objects.create(team=team, created_by=owner)
    Client().post(
        "/signup/",
        {"username": "bob", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42", "invite": invite.token},
    )
    assert Client().get(f"/signup/?invite={invite.token}").status_code == 404
    assert Client().get("/signup/?invite=nope").status_code == 404


def test_another_teams_lead_is_a_404(owner, outsider):
    from django.http import Http404

    lead = LeadFactory(team=owner.membership.team)
    assert get_lead_for_user(owner, lead.pk) == lead
    with pytest.raises(Http404):
        get_lead_for_user(outsider, lead.pk)


def test_pages_require_login():
    resp = Client().get("/")
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


def test_signup_with_a_taken_username_is_refused_with_a_message(owner):
    resp = Client().post(
        "/signup/", {"username": owner.username, "password1": "a-Long-pass-42", "password2": "a-Long-pass-42"}
    )
    assert resp.status_code == 200
    assert b"already exists" in resp.content
    assert User.objects.filter(username=owner.username).count() == 1


@pytest.mark.browser
def test_newcomer_signs_up_logs_in_and_sees_the_dashboard(live_server, page, transactional_db):
    page.goto(live_server.url + "/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password", exact=True).fill("a-Long-pass-42")
    page.get_by_label("Password confirmation").fill("a-Long-pass-42")
    page.get_by_role("button", name="Sign up").click()
    # A new team owner starts with the onboarding wizard.
    page.wait_for_url("**/onboarding/**")
    screenshot(page, "signup-landing")
    assert "newcomer" in page.locator(".who").inner_text()
    assert Membership.objects.get(user__username="newcomer").role == Role.OWNER

    Membership.objects.filter(user__username="newcomer").update(onboarding_done=True)
    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + "/")
    page.wait_for_url("**/login/**")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill("a-Long-pass-42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()
    screenshot(page, "dashboard-empty")
