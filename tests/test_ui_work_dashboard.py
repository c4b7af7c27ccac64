"""The dashboard: per-campaign funnel with acceptance rate, today's activity, onboarding redirect."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from crm.models import MessageDirection, MessageStatus, Stage
from tests.factories import (
    ActivityFactory,
    CampaignFactory,
    DealFactory,
    EnrichedLeadFactory,
    LeadFactory,
    MembershipFactory,
    MessageFactory,
    ReviewItemFactory,
)


def test_empty_state_points_to_campaign_creation(owner_client):
    response = owner_client.get(reverse("dashboard"))
    html = response.content.decode()
    assert response.status_code == 200 and "No campaigns yet" in html and 'href="/campaigns/new/"' in html


def test_funnel_counts_and_acceptance_rate(owner_client, team):
    campaign = CampaignFactory(team=team, name="Ports")
    for _ in range(6):
        LeadFactory(team=team, source_campaign=campaign)
    stages = [Stage.NEW, Stage.PENDING, Stage.PENDING, Stage.CONNECTED, Stage.COMPLETED, Stage.FAILED]
    deals = [DealFactory(campaign=campaign, team=team, lead=EnrichedLeadFactory(team=team), stage=s) for s in stages]
    MessageFactory(
        team=team, lead=deals[4].lead, campaign=campaign, direction=MessageDirection.OUT, status=MessageStatus.SENT
    )
    MessageFactory(team=team, lead=deals[3].lead, campaign=campaign, status=MessageStatus.AWAITING_APPROVAL)

    response = owner_client.get(reverse("dashboard"))

    (funnel,) = response.context["funnels"]
    counts = {label: count for label, count, _ in funnel["steps"]}
    assert counts == {"Discovered": 6, "Qualified": 6, "Invited": 4, "Accepted": 2, "Messaged": 1}
    assert funnel["acceptance_rate"] == 0.5
    assert "50%" in response.content.decode() and "Ports" in response.content.decode()


def test_today_lists_only_todays_activity_of_the_team(owner_client, team, outsider):
    ActivityFactory(team=team, kind="connect", detail="invited someone today")
    ActivityFactory(team=team, kind="connect", detail="long ago", created_at=timezone.now() - timedelta(days=3))
    ActivityFactory(team=outsider.membership.team, kind="message", detail="another team's work")
    CampaignFactory(team=team)

    response = owner_client.get(reverse("dashboard"))
    html = response.content.decode()

    assert [(r["kind"], r["n"]) for r in response.context["today"]["summary"]] == [("connect", 1)]
    assert "invited someone today" in html and "long ago" not in html and "another team" not in html


def test_funnel_is_team_scoped(outsider_client, team):
    CampaignFactory(team=team, name="Hidden campaign")
    response = outsider_client.get(reverse("dashboard"))
    assert response.context["funnels"] == [] and "Hidden campaign" not in response.content.decode()


def test_unfinished_onboarding_redirects_to_the_wizard(client, db):
    user = MembershipFactory(onboarding_done=False, onboarding_step=1).user
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("onboarding")


def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_dashboard_points_to_what_waits_for_a_human(owner_client, team):
    campaign = CampaignFactory(team=team)
    ReviewItemFactory(campaign=campaign)
    ReviewItemFactory(campaign=campaign)
    MessageFactory(team=team, campaign=campaign, status=MessageStatus.AWAITING_APPROVAL)
    html = owner_client.get(reverse("dashboard")).content.decode()
    assert "2 leads to review" in html and "1 follow-up to approve" in html
