"""The onboarding wizard: first login lands there, one step per page, resumable, back/next; members
who joined by invitation only add their own account and accept the legal notice."""

import pytest
from django.test import Client

from crm.models import Membership, Role
from outreach.models import Campaign, LinkedInAccount
from tests.factories import CampaignFactory, LinkedInAccountFactory, MembershipFactory, TeamFactory
from tests.test_ui_setup_support import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    """A freshly signed-up owner whose onboarding has not started."""
    membership = MembershipFactory(onboarding_done=False, onboarding_step=1)
    client = Client()
    client.force_login(membership.user)
    return membership, client


def account_data(**extra) -> dict:
    data = {
        "username": "Seller@Example.com",
        "password": "sandbox",
        "is_sandbox": "on",
        "subscribe_newsletter": "on",
        "connect_daily_limit": 20,
        "connect_weekly_limit": 100,
        "followup_daily_limit": 30,
        "time_zone": "Europe/Berlin",
        "active_hours_start": 9,
        "active_hours_end": 18,
    }
    data.update(extra)
    return data


CAMPAIGN = {
    "name": "Logistics CRM",
    "product_docs": "A CRM for small logistics companies that tracks every shipment.",
    "objective": "Operations managers at logistics firms in Germany.",
    "booking_link": "https://cal.example.com/demo",
}


def test_first_login_redirects_every_page_to_the_wizard(newcomer):
    _, client = newcomer
    for url in ("/", "/campaigns/", "/settings/"):
        assert client.get(url)["Location"] == "/onboarding/"
    assert client.get("/onboarding/")["Location"] == "/onboarding/1/"


def test_done_onboarding_leaves_pages_alone_and_wizard_goes_to_dashboard(owner_client):
    assert owner_client.get("/campaigns/").status_code == 200
    assert owner_client.get("/onboarding/")["Location"] == "/"


def test_owner_walks_every_step_and_finishing_starts_the_campaign(newcomer):
    membership, client = newcomer
    resp = client.get("/onboarding/1/")
    assert b"Step 1 of 5" in resp.content and b'aria-current="step"' in resp.content
    assert client.post("/onboarding/1/", {"name": "Acme Sales"})["Location"] == "/onboarding/2/"
    assert client.post("/onboarding/2/", CAMPAIGN)["Location"] == "/onboarding/3/"
    assert client.post("/onboarding/3/", account_data())["Location"] == "/onboarding/4/"
    resp = client.post("/onboarding/4/", {"llm_api_key": "sk-test", "llm_model": "gpt-4o-mini", "llm_api_base": ""})
    assert resp["Location"] == "/onboarding/5/"
    assert b"LinkedIn" in client.get("/onboarding/5/").content
    resp = client.post("/onboarding/5/", {"accept": "on"})

    membership.refresh_from_db()
    campaign = Campaign.objects.get(team=membership.team)
    account = LinkedInAccount.objects.get(team=membership.team)
    assert resp["Location"] == f"/campaigns/{campaign.pk}/"
    assert membership.onboarding_done and membership.legal_accepted_at is not None
    assert membership.team.name == "Acme Sales" and membership.team.llm_api_key == "sk-test"
    assert campaign.active and list(campaign.accounts.all()) == [account]
    assert (account.username, account.owner, account.is_sandbox, account.password) == (
        "seller@example.com",
        membership.user,
        True,
        "sandbox",
    )


def test_wizard_resumes_at_the_furthest_step_and_cannot_jump_ahead(newcomer):
    _, client = newcomer
    client.post("/onboarding/1/", {"name": "Acme"})
    assert client.get("/onboarding/")["Location"] == "/onboarding/2/"
    assert client.get("/onboarding/4/")["Location"] == "/onboarding/2/"
    resp = client.get("/onboarding/1/")  # back is allowed and shows what was saved
    assert resp.status_code == 200 and b'value="Acme"' in resp.content
    assert b'href="/onboarding/1/"' in client.get("/onboarding/2/").content  # the Back link


def test_revisiting_the_campaign_step_edits_the_same_campaign(newcomer):
    membership, client = newcomer
    client.post("/onboarding/1/", {"name": "Acme"})
    client.post("/onboarding/2/", CAMPAIGN)
    client.post("/onboarding/2/", {**CAMPAIGN, "name": "Renamed"})
    assert list(Campaign.objects.filter(team=membership.team).values_list("name", flat=True)) == ["Renamed"]


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        (1, {"name": "   "}, b"Give your team a name."),
        (2, {**CAMPAIGN, "product_docs": "short"}, b"at least 20 characters"),
        (2, {**CAMPAIGN, "booking_link": "not a url"}, b"Enter a valid URL."),
    ],
)
def test_bad_input_rerenders_the_step_with_its_error_and_stays(newcomer, step, data, message):
    membership, client = newcomer
    membership.onboarding_step = step
    membership.save()
    resp = client.post(f"/onboarding/{step}/", data)
    assert resp.status_code == 200 and message in resp.content and b'role="alert"' in resp.content
    membership.refresh_from_db()
    assert membership.onboarding_step == step


def test_account_step_rejects_inconsistent_limits_and_hours_keeping_the_input(newcomer):
    membership, client = newcomer
    membership.onboarding_step = 3
    membership.save()
    data = account_data(connect_daily_limit=50, connect_weekly_limit=10, active_hours_start=18, active_hours_end=9)
    resp = client.post("/onboarding/3/", data)
    assert b"at least the daily limit" in resp.content
    assert b"must end after they start" in resp.content
    assert b'value="seller@example.com"' in resp.content.lower()
    assert not LinkedInAccount.objects.exists()


def test_llm_step_can_be_skipped_and_then_leads_go_to_human_review(newcomer):
    membership, client = newcomer
    client.post("/onboarding/1/", {"name": "Acme"})
    client.post("/onboarding/2/", CAMPAIGN)
    client.post("/onboarding/3/", account_data())
    assert client.post("/onboarding/4/", {"skip": "1"})["Location"] == "/onboarding/5/"
    assert Campaign.objects.get(team=membership.team).require_human_review
    assert membership.team.llm_api_key == ""


def test_llm_step_without_a_key_says_what_to_do(newcomer):
    membership, client = newcomer
    membership.onboarding_step = 4
    membership.save()
    resp = client.post("/onboarding/4/", {"llm_api_key": "", "llm_model": "gpt-4o-mini"})
    assert b"Enter an API key, or choose to review leads yourself." in resp.content


def test_llm_test_button_makes_one_real_call_to_the_configured_server(newcomer, llm_stub):
    membership, client = newcomer
    data = {"llm_api_key": "sk-stub", "llm_model": "stub-model", "llm_api_base": llm_stub.url}
    resp = client.post("/onboarding/test-llm/", data, **HTMX)
    assert b'id="llm-result"' in resp.content and b"OK" in resp.content and b"stub-model answered" in resp.content
    assert len(llm_stub.requests) == 1
    membership.team.refresh_from_db()
    assert membership.team.llm_api_key == ""  # testing saves nothing


def test_llm_test_button_shows_the_servers_error(newcomer, llm_settings):
    llm_stub = llm_settings
    _, client = newcomer
    llm_stub.set_mode("error500")
    data = {"llm_api_key": "sk-stub", "llm_model": "stub-model", "llm_api_base": llm_stub.url}
    resp = client.post("/onboarding/test-llm/", data, **HTMX)
    assert b"Failed" in resp.content


def test_legal_notice_must_be_accepted(newcomer):
    membership, client = newcomer
    membership.onboarding_step = 5
    membership.save()
    CampaignFactory(team=membership.team, created_by=membership.user)
    LinkedInAccountFactory(team=membership.team, owner=membership.user)
    resp = client.post("/onboarding/5/", {})
    assert b"Tick the box" in resp.content
    membership.refresh_from_db()
    assert not membership.onboarding_done and membership.legal_accepted_at is None


def test_finishing_without_an_account_sends_back_to_that_step(newcomer):
    membership, client = newcomer
    membership.onboarding_step = 5
    membership.save()
    CampaignFactory(team=membership.team, created_by=membership.user)
    assert client.post("/onboarding/5/", {"accept": "on"})["Location"] == "/onboarding/3/"


def test_invited_member_skips_team_steps_and_may_skip_the_account():
    team = TeamFactory()
    MembershipFactory(team=team)
    member = MembershipFactory(team=team, role=Role.MEMBER, onboarding_done=False, onboarding_step=1)
    client = Client()
    client.force_login(member.user)
    assert client.get("/onboarding/")["Location"] == "/onboarding/3/"
    assert client.get("/onboarding/1/")["Location"] == "/onboarding/3/"
    resp = client.get("/onboarding/3/")
    assert b"Step 1 of 2" in resp.content and b"Skip: add an account later" in resp.content
    assert client.post("/onboarding/3/", {"skip": "1"})["Location"] == "/onboarding/5/"
    assert client.post("/onboarding/5/", {"accept": "on"})["Location"] == "/"
    member.refresh_from_db()
    assert member.onboarding_done and member.legal_accepted_at is not None
    assert not Campaign.objects.filter(team=team).exists()


def test_legal_acceptance_is_recorded_once(newcomer):
    membership, client = newcomer
    from django.utils import timezone

    accepted = timezone.now() - timezone.timedelta(days=3)
    Membership.objects.filter(pk=membership.pk).update(onboarding_step=5, legal_accepted_at=accepted)
    CampaignFactory(team=membership.team, created_by=membership.user)
    LinkedInAccountFactory(team=membership.team, owner=membership.user)
    assert b"You accepted this notice on" in client.get("/onboarding/5/").content
    client.post("/onboarding/5/", {})
    membership.refresh_from_db()
    assert membership.onboarding_done and membership.legal_accepted_at == accepted


def test_wizard_requires_login():
    assert Client().get("/onboarding/1/")["Location"].startswith("/login/")


def test_htmx_step_post_with_errors_returns_only_the_form(newcomer):
    _, client = newcomer
    resp = client.post("/onboarding/1/", {"name": ""}, HTTP_HX_TARGET="step-form", **HTMX)
    assert resp.content.lstrip().startswith(b'<form id="step-form"') and b"<html" not in resp.content


def test_signing_up_lands_in_the_wizard_and_an_invited_member_at_their_first_step():
    client = Client()
    data = {"username": "ada", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42"}
    resp = client.post("/signup/", data, follow=True)
    assert resp.redirect_chain[-1][0] == "/onboarding/1/" and b"Step 1 of 5" in resp.content

    from crm.models import Invitation

    invite = Invitation.objects.create(team=Membership.objects.get(user__username="ada").team)
    member = Client()
    data = {"username": "bob", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42", "invite": invite.token}
    resp = member.post(f"/signup/?invite={invite.token}", data, follow=True)
    assert resp.redirect_chain[-1][0] == "/onboarding/3/" and b"Step 1 of 2" in resp.content


def test_a_finished_wizard_cannot_be_replayed(owner_client, owner):
    assert owner_client.post("/onboarding/5/", {"accept": "on"})["Location"] == "/"
