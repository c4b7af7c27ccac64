"""Team settings: name, members and roles (owner only), invitation links, the user's profile."""

import pytest
from django.test import Client

from crm.models import Invitation, Membership, Role
from tests.factories import MembershipFactory
from tests.test_ui_setup_support import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(teammate) -> Client:
    client = Client()
    client.force_login(teammate)
    return client


def test_settings_page_lists_members_and_invites(owner_client, owner, teammate):
    resp = owner_client.get("/settings/")
    assert owner.username.encode() in resp.content and teammate.username.encode() in resp.content
    assert b"Create invitation link" in resp.content and b"No open invitations." in resp.content
    assert b'href="/password/"' in resp.content


def test_owner_renames_the_team(owner_client, team):
    assert owner_client.post("/settings/", {"form": "team", "name": "Renamed"}).status_code == 302
    team.refresh_from_db()
    assert team.name == "Renamed"


def test_empty_team_name_is_refused_with_an_error(owner_client, team):
    resp = owner_client.post("/settings/", {"form": "team", "name": ""})
    assert resp.status_code == 200 and b"Give your team a name." in resp.content
    team.refresh_from_db()
    assert team.name != ""


def test_member_cannot_rename_or_invite(member_client, team):
    assert member_client.post("/settings/", {"form": "team", "name": "Mine"}).status_code == 404
    assert member_client.post("/settings/invites/", {"role": "member"}).status_code == 404
    resp = member_client.get("/settings/")
    assert b"Only an owner can rename" in resp.content and b"Create invitation link" not in resp.content


def test_profile_is_per_user(member_client, teammate):
    resp = member_client.post(
        "/settings/", {"form": "profile", "first_name": "Grace", "last_name": "H", "email": "g@x.io"}
    )
    assert resp.status_code == 302
    teammate.refresh_from_db()
    assert teammate.first_name == "Grace"


def test_profile_with_a_bad_email_shows_the_error(member_client, teammate):
    resp = member_client.post("/settings/", {"form": "profile", "email": "nope"})
    assert b"Enter a valid email address." in resp.content


def test_invite_link_is_created_and_works_for_signup(owner_client, team):
    resp = owner_client.post("/settings/invites/", {"role": "member"}, **HTMX)
    invite = Invitation.objects.get(team=team)
    assert b'id="invites"' in resp.content and f"/signup/?invite={invite.token}".encode() in resp.content
    signup = Client().post(
        f"/signup/?invite={invite.token}",
        {"username": "newbie", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42", "invite": invite.token},
    )
    assert signup.status_code == 302
    assert Membership.objects.get(user__username="newbie").team == team


def test_invite_with_a_bad_role_is_refused(owner_client, team):
    resp = owner_client.post("/settings/invites/", {"role": "king"}, **HTMX)
    assert b"Select a valid choice" in resp.content and not Invitation.objects.exists()


def test_owner_revokes_an_invite(owner_client, team, owner):
    invite = Invitation.objects.create(team=team, created_by=owner)
    owner_client.post(f"/settings/invites/{invite.pk}/revoke/", **HTMX)
    assert not Invitation.objects.exists()


def test_owner_changes_a_role(owner_client, teammate):
    membership = teammate.membership
    resp = owner_client.post(f"/settings/members/{membership.pk}/role/", {"role": "owner"}, **HTMX)
    assert b'id="members"' in resp.content
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_the_last_owner_cannot_step_down(owner_client, owner):
    resp = owner_client.post(f"/settings/members/{owner.membership.pk}/role/", {"role": "member"}, **HTMX)
    assert b"at least one owner" in resp.content
    owner.membership.refresh_from_db()
    assert owner.membership.is_owner


def test_owner_removes_a_member_but_not_themself(owner_client, owner, teammate):
    resp = owner_client.post(f"/settings/members/{owner.membership.pk}/remove/", **HTMX)
    assert b"cannot remove yourself" in resp.content
    owner_client.post(f"/settings/members/{teammate.membership.pk}/remove/", **HTMX)
    assert not Membership.objects.filter(user=teammate).exists()


def test_member_cannot_change_roles_or_remove(member_client, owner):
    assert member_client.post(f"/settings/members/{owner.membership.pk}/role/", {"role": "member"}).status_code == 404
    assert member_client.post(f"/settings/members/{owner.membership.pk}/remove/").status_code == 404


def test_outsider_cannot_touch_another_teams_members_or_invites(outsider_client, owner, team):
    invite = Invitation.objects.create(team=team, created_by=owner)
    assert outsider_client.post(f"/settings/members/{owner.membership.pk}/remove/").status_code == 404
    assert outsider_client.post(f"/settings/invites/{invite.pk}/revoke/").status_code == 404
    assert Invitation.objects.exists() and Membership.objects.filter(user=owner).exists()
    assert owner.username.encode() not in outsider_client.get("/settings/").content


def test_login_required():
    assert Client().get("/settings/")["Location"].startswith("/login/")


def test_user_without_team_gets_404():
    user = MembershipFactory().user
    Membership.objects.filter(user=user).delete()
    client = Client()
    client.force_login(user)
    assert client.get("/settings/").status_code == 404


def test_owner_changes_the_ai_model_and_an_empty_key_keeps_the_saved_one(owner_client, team):
    team.llm_api_key = "sk-old"
    team.save()
    resp = owner_client.post(
        "/settings/", {"form": "llm", "llm_api_key": "", "llm_model": "gpt-4.1", "llm_api_base": ""}
    )
    assert resp.status_code == 302
    team.refresh_from_db()
    assert (team.llm_api_key, team.llm_model) == ("sk-old", "gpt-4.1")


def test_ai_model_form_errors_are_shown(owner_client, team):
    resp = owner_client.post("/settings/", {"form": "llm", "llm_api_key": "", "llm_model": "", "llm_api_base": "x"})
    assert b"Enter an API key" in resp.content and b"Enter a valid URL." in resp.content


def test_member_cannot_change_the_ai_model(member_client, team):
    resp = member_client.post("/settings/", {"form": "llm", "llm_api_key": "k", "llm_model": "m"})
    assert resp.status_code == 404
