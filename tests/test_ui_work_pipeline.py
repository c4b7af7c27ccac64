"""The pipeline kanban: columns and counts, filters, load more, moves (legal and illegal), the lead drawer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Activity, Deal, Stage
from qualifier.models import Label, LabelSource
from tests.factories import (
    ActivityFactory,
    CampaignFactory,
    DealFactory,
    EnrichedLeadFactory,
    LabelFactory,
    LeadFactory,
    LinkedInAccountFactory,
    MessageFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}


@pytest.fixture
def campaign(team):
    return CampaignFactory(team=team, name="Logistics")


def _deal(campaign, stage=Stage.NEW, **lead):
    return DealFactory(
        campaign=campaign, team=campaign.team, lead=EnrichedLeadFactory(team=campaign.team, **lead), stage=stage
    )


def test_board_shows_every_column_with_counts(owner_client, team, campaign):
    LeadFactory(team=team, first_name="Disco", last_name="Vered")
    EnrichedLeadFactory(team=team, first_name="Rich", last_name="Ard")
    _deal(campaign, Stage.PENDING, first_name="Penny", last_name="Ding")
    LabelFactory(campaign=campaign, qualified=False, lead=EnrichedLeadFactory(team=team, first_name="Nope"))
    EnrichedLeadFactory(team=team, disqualified=True, first_name="Excluded")

    response = owner_client.get(reverse("pipeline"))

    assert response.status_code == 200
    counts = {col.key: col.count for col in response.context["columns"]}
    assert counts == {
        "discovered": 1,
        "enriched": 1,
        "new": 0,
        "pending": 1,
        "connected": 0,
        "completed": 0,
        "failed": 0,
        "disqualified": 2,
    }
    html = response.content.decode()
    for title in (
        "Discovered",
        "Enriched",
        "Qualified / New",
        "Pending",
        "Connected",
        "Completed",
        "Failed",
        "Disqualified",
    ):
        assert title in html
    assert "Penny Ding" in html and "Disco Vered" in html and '<select name="campaign">' in html


def test_htmx_poll_returns_only_the_board(owner_client, campaign):
    _deal(campaign, first_name="Polly")
    response = owner_client.get(reverse("pipeline"), {"campaign": campaign.pk, "show_new": "60"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="board"') and "<html" not in html and "Polly" in html


def test_filters_by_campaign_account_and_text(owner_client, team, campaign):
    other = CampaignFactory(team=team, name="Other")
    account = LinkedInAccountFactory(team=team)
    campaign.accounts.add(account)
    _deal(campaign, first_name="Alice", headline="Head of Freight")
    _deal(other, first_name="Bob", headline="Baker")

    def new_column(params) -> list[str]:
        columns = owner_client.get(reverse("pipeline"), params).context["columns"]
        return [card.lead.first_name for card in next(c for c in columns if c.key == "new").cards]

    assert new_column({"campaign": other.pk}) == ["Bob"]
    assert new_column({"account": account.pk}) == ["Alice"]
    assert new_column({"q": "freight"}) == ["Alice"]
    assert new_column({"q": "bob baker"}) == ["Bob"]


def test_bad_filter_value_is_reported_and_ignored(owner_client, campaign):
    _deal(campaign, first_name="Still")
    response = owner_client.get(reverse("pipeline"), {"campaign": "abc"})
    assert response.status_code == 200
    assert "is not a valid choice" in response.content.decode() and "Still" in response.content.decode()


def test_outsider_gets_404_for_another_teams_campaign_filter_lead_and_deal(outsider_client, campaign):
    deal = _deal(campaign)
    assert outsider_client.get(reverse("pipeline"), {"campaign": campaign.pk}).status_code == 404
    assert outsider_client.get(reverse("lead_detail", args=[deal.lead.pk])).status_code == 404
    response = outsider_client.post(reverse("pipeline_move"), {"kind": "deal", "id": deal.pk, "to": "pending"}, **HTMX)
    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.stage == Stage.NEW


def test_board_requires_login(client):
    response = client.get(reverse("pipeline"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_outsider_board_does_not_show_other_teams_cards(outsider_client, campaign):
    _deal(campaign, first_name="Secretive")
    assert "Secretive" not in outsider_client.get(reverse("pipeline")).content.decode()


def test_load_more_returns_the_next_page_and_a_new_button(owner_client, campaign):
    for i in range(30):
        _deal(campaign, first_name=f"P{i:02d}")
    first = owner_client.get(reverse("pipeline"))
    new_col = next(c for c in first.context["columns"] if c.key == "new")
    assert (new_col.count, new_col.shown, new_col.more) == (30, 25, True)

    more = owner_client.get(reverse("pipeline_column", args=["new"]), {"offset": 25}, HTTP_HX_REQUEST="true")

    html = more.content.decode()
    assert more.status_code == 200 and html.count('class="kcard"') == 5
    assert 'id="more-new"' in html and 'hx-swap-oob="true"' in html and "Load more" not in html


def test_unknown_column_is_404(owner_client):
    assert owner_client.get(reverse("pipeline_column", args=["nowhere"])).status_code == 404


def test_legal_move_changes_stage_logs_activity_and_returns_board(owner_client, owner, campaign):
    deal = _deal(campaign)
    response = owner_client.post(
        reverse("pipeline_move"), {"kind": "deal", "id": deal.pk, "to": "pending", "campaign": campaign.pk}, **HTMX
    )
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage == Stage.PENDING
    assert Activity.objects.filter(lead=deal.lead, kind="stage", user=owner).exists()
    html = response.content.decode()
    assert 'id="board"' in html and "moved to Pending" in html  # the flash comes out of band


def test_illegal_move_is_409_with_reason_and_changes_nothing(owner_client, campaign):
    deal = _deal(campaign, Stage.COMPLETED)
    response = owner_client.post(reverse("pipeline_move"), {"kind": "deal", "id": deal.pk, "to": "new"}, **HTMX)
    assert response.status_code == 409
    assert "cannot move from Completed to New" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == Stage.COMPLETED
    assert not Activity.objects.filter(lead=deal.lead).exists()


def test_deal_cannot_go_back_to_a_lead_column(owner_client, campaign):
    deal = _deal(campaign, Stage.PENDING)
    response = owner_client.post(reverse("pipeline_move"), {"kind": "deal", "id": deal.pk, "to": "enriched"}, **HTMX)
    assert response.status_code == 409 and "cannot go back to Enriched" in response.content.decode()


def test_contacted_deal_cannot_be_disqualified(owner_client, campaign):
    deal = _deal(campaign, Stage.CONNECTED)
    response = owner_client.post(
        reverse("pipeline_move"), {"kind": "deal", "id": deal.pk, "to": "disqualified"}, **HTMX
    )
    assert response.status_code == 409 and "only a new deal" in response.content.decode()
    assert Deal.objects.get(pk=deal.pk).stage == Stage.CONNECTED


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "deal", "id": "x", "to": "pending"},
        {"kind": "robot", "id": "1", "to": "pending"},
        {"kind": "deal", "id": "1", "to": "heaven"},
    ],
)
def test_malformed_move_is_400(owner_client, data):
    response = owner_client.post(reverse("pipeline_move"), data, **HTMX)
    assert response.status_code == 400 and "not understood" in response.content.decode()


def test_move_needs_post(owner_client):
    assert owner_client.get(reverse("pipeline_move")).status_code == 405


def test_non_htmx_move_redirects_back_to_the_lead(owner_client, campaign):
    deal = _deal(campaign)
    nxt = reverse("lead_detail", args=[deal.lead.pk])
    response = owner_client.post(reverse("pipeline_move"), {"kind": "deal", "id": deal.pk, "to": "failed", "next": nxt})
    assert response.status_code == 302 and response["Location"] == nxt
    assert Deal.objects.get(pk=deal.pk).stage == Stage.FAILED


def test_unenriched_lead_cannot_be_qualified(owner_client, team, campaign):
    lead = LeadFactory(team=team)
    response = owner_client.post(
        reverse("pipeline_move"), {"kind": "lead", "id": lead.pk, "to": "new", "campaign": campaign.pk}, **HTMX
    )
    assert response.status_code == 409 and "not been enriched" in response.content.decode()
    assert not Deal.objects.filter(lead=lead).exists()


def test_lead_move_without_campaign_asks_for_one(owner_client, team):
    lead = EnrichedLeadFactory(team=team)
    response = owner_client.post(reverse("pipeline_move"), {"kind": "lead", "id": lead.pk, "to": "new"}, **HTMX)
    assert response.status_code == 409 and "choose a campaign" in response.content.decode()


def test_lead_to_a_deal_stage_other_than_new_is_refused(owner_client, team, campaign):
    lead = EnrichedLeadFactory(team=team)
    response = owner_client.post(
        reverse("pipeline_move"), {"kind": "lead", "id": lead.pk, "to": "connected", "campaign": campaign.pk}, **HTMX
    )
    assert response.status_code == 409 and not Deal.objects.filter(lead=lead).exists()


def test_lead_drawer_htmx_and_full_page(owner_client, team, campaign):
    deal = _deal(campaign, first_name="Drawer", last_name="Person")
    ActivityFactory(team=team, lead=deal.lead, kind="connect", detail="invitation sent")
    MessageFactory(team=team, lead=deal.lead, text="Hello there, thanks for connecting")

    partial = owner_client.get(reverse("lead_detail", args=[deal.lead.pk]), HTTP_HX_REQUEST="true")
    page = owner_client.get(reverse("lead_detail", args=[deal.lead.pk]))

    html = partial.content.decode()
    assert partial.status_code == 200 and html.lstrip().startswith('<aside id="drawer"')
    assert "Drawer Person" in html and "invitation sent" in html and "Hello there" in html
    assert "Move to" in html and 'value="pending"' in html
    assert page.status_code == 200 and "<html" in page.content.decode() and "Drawer Person" in page.content.decode()


def _board_queries(client, campaign) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("pipeline"), {"campaign": campaign.pk, "show_new": 200}).status_code == 200
    return len(ctx.captured_queries)


def test_board_query_count_does_not_grow_with_cards(owner_client, team, campaign):
    for _ in range(10):
        _deal(campaign)
    few = _board_queries(owner_client, campaign)
    for stage in (Stage.NEW, Stage.PENDING, Stage.CONNECTED, Stage.FAILED):
        for _ in range(25 if stage == Stage.NEW else 10):
            _deal(campaign, stage)
    for _ in range(20):
        LeadFactory(team=team, source_campaign=campaign)
        EnrichedLeadFactory(team=team)
    many = _board_queries(owner_client, campaign)
    assert few == many


def test_dragging_an_enriched_lead_to_new_qualifies_it_by_hand(owner_client, owner, team, campaign):
    lead = EnrichedLeadFactory(team=team)
    response = owner_client.post(
        reverse("pipeline_move"), {"kind": "lead", "id": lead.pk, "to": "new", "campaign": campaign.pk}, **HTMX
    )
    assert response.status_code == 200
    label = Label.objects.get(campaign=campaign, lead=lead)
    assert (label.qualified, label.source, label.user) == (True, LabelSource.HUMAN, owner)
    assert Deal.objects.get(lead=lead, campaign=campaign).stage == Stage.NEW
    new_col = next(c for c in response.context["columns"] if c.key == "new")
    assert [card.lead for card in new_col.cards] == [lead]


def test_dragging_a_new_deal_to_disqualified_drops_it(owner_client, campaign):
    deal = _deal(campaign)
    data = {"kind": "deal", "id": deal.pk, "to": "disqualified"}
    response = owner_client.post(reverse("pipeline_move"), data, **HTMX)
    assert response.status_code == 200
    assert not Deal.objects.filter(pk=deal.pk).exists()
    assert Label.objects.get(lead=deal.lead, campaign=campaign).qualified is False
    disq = next(c for c in response.context["columns"] if c.key == "disqualified")
    assert [card.lead for card in disq.cards] == [deal.lead]


def test_a_disqualified_lead_can_be_qualified_again(owner_client, team, campaign):
    label = LabelFactory(campaign=campaign, qualified=False, source=LabelSource.AUTO)
    response = owner_client.post(
        reverse("pipeline_move"), {"kind": "lead", "id": label.lead.pk, "to": "new", "campaign": campaign.pk}, **HTMX
    )
    assert response.status_code == 200
    assert Deal.objects.filter(lead=label.lead, campaign=campaign, stage=Stage.NEW).exists()


def test_a_team_wide_excluded_lead_cannot_be_qualified(owner_client, team, campaign):
    lead = EnrichedLeadFactory(team=team, disqualified=True)
    response = owner_client.post(
        reverse("pipeline_move"), {"kind": "lead", "id": lead.pk, "to": "new", "campaign": campaign.pk}, **HTMX
    )
    assert response.status_code == 409 and "excluded for the whole team" in response.content.decode()
    assert not Label.objects.filter(lead=lead).exists()


def test_drawer_offers_qualify_and_disqualify_for_a_lead_without_a_deal(owner_client, team, campaign):
    lead = EnrichedLeadFactory(team=team, source_campaign=campaign)
    html = owner_client.get(reverse("lead_detail", args=[lead.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert f'name="label_campaign" value="{campaign.pk}"' in html and ">Qualify</button>" in html

    data = {"kind": "lead", "id": lead.pk, "to": "disqualified", "label_campaign": campaign.pk, "campaign": ""}
    response = owner_client.post(reverse("pipeline_move"), data, **HTMX)

    assert response.status_code == 200 and Label.objects.get(lead=lead).qualified is False
    html = owner_client.get(reverse("lead_detail", args=[lead.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert ">Qualify</button>" in html and ">Disqualify</button>" not in html


def test_moves_need_the_csrf_token(owner, campaign):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    deal = _deal(campaign)
    response = client.post(reverse("pipeline_move"), {"kind": "deal", "id": deal.pk, "to": "pending"}, **HTMX)
    assert response.status_code == 403
    assert Deal.objects.get(pk=deal.pk).stage == Stage.NEW


def test_drawer_shows_the_qualifier_explanation(owner_client, team, campaign, monkeypatch):
    deal = _deal(campaign, first_name="Explained")
    twin = EnrichedLeadFactory(team=team, first_name="Twin", headline="Head of Ops")
    shape = {
        "probability": 0.81,
        "entropy": 0.4,
        "std": 0.03,
        "neighbours": [(twin, True, 0.97)],
        "text": "Close to Twin",
    }
    monkeypatch.setattr("qualifier.service.explain", lambda c, lead: shape)  # the contract's shape, rendered
    html = owner_client.get(reverse("lead_detail", args=[deal.lead.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "0.81" in html and "Nearest labelled leads" in html and "Twin" in html and "0.97" in html


def test_drawer_survives_a_failing_qualifier(owner_client, campaign, monkeypatch):
    deal = _deal(campaign, first_name="Robust")

    def broken(campaign, lead):
        raise RuntimeError("model file is corrupt")

    monkeypatch.setattr("qualifier.service.explain", broken)
    response = owner_client.get(reverse("lead_detail", args=[deal.lead.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Robust" in response.content.decode()
