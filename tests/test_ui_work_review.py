"""The review queue: one lead at a time, human decisions as labels, skip, J/K navigation, undo, stats."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Deal, Stage
from qualifier.models import Label, LabelSource, ReviewItem, ReviewStatus
from tests.factories import CampaignFactory, EnrichedLeadFactory, LabelFactory, ReviewItemFactory

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "review-item"}


@pytest.fixture
def campaign(team):
    return CampaignFactory(team=team, name="Freight")


def _items(campaign, n, **kwargs):
    return [
        ReviewItemFactory(
            campaign=campaign, lead=EnrichedLeadFactory(team=campaign.team, first_name=f"Rev{i}"), **kwargs
        )
        for i in range(n)
    ]


def test_queue_shows_first_pending_lead_and_count(owner_client, campaign):
    first, *_ = _items(campaign, 3, probability=0.42, llm_reason="Runs a freight desk, likely a buyer.")
    response = owner_client.get(reverse("review"))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["item"] == first and response.context["left"] == 3
    assert "Rev0" in html and "Runs a freight desk" in html and "3</strong> leads left" in html
    assert 'data-key="y"' in html and 'data-key="n"' in html and 'data-key="s"' in html


def test_htmx_navigation_returns_the_item_panel(owner_client, campaign):
    items = _items(campaign, 3)
    response = owner_client.get(reverse("review"), {"item": items[1].pk}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="review-item"') and "<html" not in html
    assert response.context["item"] == items[1]
    assert response.context["prev_pk"] == items[0].pk and response.context["next_pk"] == items[2].pk


def test_empty_queue_says_what_to_do(owner_client, campaign):
    html = owner_client.get(reverse("review")).content.decode()
    assert "Nothing to review" in html and "0</strong> leads left" in html


def test_filter_by_campaign(owner_client, team, campaign):
    other = CampaignFactory(team=team)
    _items(campaign, 2)
    (mine,) = _items(other, 1)
    response = owner_client.get(reverse("review"), {"campaign": other.pk})
    assert response.context["item"] == mine and response.context["left"] == 1


def test_outsider_gets_404(outsider_client, campaign):
    (item,) = _items(campaign, 1)
    assert outsider_client.get(reverse("review"), {"campaign": campaign.pk}).status_code == 404
    assert outsider_client.post(reverse("review_decide", args=[item.pk]), {"decision": "skip"}).status_code == 404
    assert "Rev0" not in outsider_client.get(reverse("review")).content.decode()
    item.refresh_from_db()
    assert item.status == ReviewStatus.PENDING


def test_review_requires_login(client):
    assert client.get(reverse("review")).status_code == 302


def test_unknown_decision_is_400_and_changes_nothing(owner_client, campaign):
    (item,) = _items(campaign, 1)
    response = owner_client.post(reverse("review_decide", args=[item.pk]), {"decision": "maybe"}, **HTMX)
    assert response.status_code == 400 and "Unknown decision" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ReviewStatus.PENDING and not Label.objects.exists()


def test_skip_moves_on_without_a_label(owner_client, campaign):
    first, second = _items(campaign, 2)
    response = owner_client.post(reverse("review_decide", args=[first.pk]), {"decision": "skip"}, **HTMX)
    first.refresh_from_db()
    assert first.status == ReviewStatus.SKIPPED and not Label.objects.exists()
    assert response.context["item"] == second and response.context["left"] == 1


def test_qualify_records_a_human_label_and_a_deal(owner_client, owner, campaign):
    first, second = _items(campaign, 2)
    response = owner_client.post(reverse("review_decide", args=[first.pk]), {"decision": "qualify"}, **HTMX)
    label = Label.objects.get(campaign=campaign, lead=first.lead)
    assert (label.qualified, label.source, label.user) == (True, LabelSource.HUMAN, owner)
    assert Deal.objects.filter(lead=first.lead, campaign=campaign, stage=Stage.NEW).exists()
    first.refresh_from_db()
    assert first.status == ReviewStatus.DONE and first.decided_at is not None
    assert response.context["item"] == second and "Qualified" in response.content.decode()


def test_disqualify_records_a_negative_human_label(owner_client, campaign):
    (item,) = _items(campaign, 1)
    owner_client.post(reverse("review_decide", args=[item.pk]), {"decision": "disqualify"}, **HTMX)
    label = Label.objects.get(campaign=campaign, lead=item.lead)
    assert (label.qualified, label.source) == (False, LabelSource.HUMAN)
    assert not Deal.objects.filter(lead=item.lead).exists()


def test_deciding_twice_does_not_relabel(owner_client, campaign):
    (item,) = _items(campaign, 1)
    owner_client.post(reverse("review_decide", args=[item.pk]), {"decision": "disqualify"}, **HTMX)
    response = owner_client.post(reverse("review_decide", args=[item.pk]), {"decision": "qualify"}, **HTMX)
    assert response.status_code == 200 and "already decided" in response.content.decode()
    assert Label.objects.get(lead=item.lead).qualified is False


def test_undo_restores_the_lead_label_and_deal(owner_client, campaign):
    (item,) = _items(campaign, 1, is_audit=True)
    LabelFactory(campaign=campaign, lead=item.lead, qualified=False, source=LabelSource.LLM, reason="LLM said no")
    owner_client.post(reverse("review_decide", args=[item.pk]), {"decision": "qualify"}, **HTMX)
    assert Deal.objects.filter(lead=item.lead).exists()

    response = owner_client.post(reverse("review_undo"), **HTMX)

    item.refresh_from_db()
    label = Label.objects.get(lead=item.lead)
    assert item.status == ReviewStatus.PENDING and item.decided_at is None
    assert (label.qualified, label.source, label.reason) == (False, LabelSource.LLM, "LLM said no")
    assert not Deal.objects.filter(lead=item.lead).exists()
    assert response.context["item"] == item and "back in the queue" in response.content.decode()


def test_undo_of_a_fresh_label_deletes_it(owner_client, campaign):
    (item,) = _items(campaign, 1)
    owner_client.post(reverse("review_decide", args=[item.pk]), {"decision": "disqualify"}, **HTMX)
    owner_client.post(reverse("review_undo"), **HTMX)
    assert not Label.objects.exists()


def test_undo_with_nothing_to_undo(owner_client, campaign):
    response = owner_client.post(reverse("review_undo"), **HTMX)
    assert response.status_code == 200 and "Nothing to undo" in response.content.decode()


def test_plain_form_post_redirects_back_to_the_queue(owner_client, campaign):
    (item,) = _items(campaign, 1)
    response = owner_client.post(
        reverse("review_decide", args=[item.pk]), {"decision": "skip", "campaign": campaign.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/review/?campaign={campaign.pk}"


def test_model_improvement_shows_share_decided_by_machine(owner_client, campaign):
    for source in (LabelSource.AUTO, LabelSource.AUTO, LabelSource.LLM, LabelSource.HUMAN):
        LabelFactory(campaign=campaign, source=source)
    response = owner_client.get(reverse("review"), {"campaign": campaign.pk})
    improvement = response.context["improvement"]
    assert improvement["total"] == 4 and improvement["machine_share"] == 75
    assert improvement["trend"][-1]["share"] == 75
    assert "75%</strong> of 4 decisions" in response.content.decode()


def test_decide_needs_post(owner_client, campaign):
    (item,) = _items(campaign, 1)
    assert owner_client.get(reverse("review_decide", args=[item.pk])).status_code == 405
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.PENDING


def _review_queries(client, campaign) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("review"), {"campaign": campaign.pk}).status_code == 200
    return len(ctx.captured_queries)


def test_review_query_count_does_not_grow_with_the_queue(owner_client, campaign):
    _items(campaign, 2)
    LabelFactory(campaign=campaign, source=LabelSource.AUTO)
    few = _review_queries(owner_client, campaign)
    _items(campaign, 25)
    for source in (LabelSource.AUTO, LabelSource.LLM, LabelSource.HUMAN) * 5:
        LabelFactory(campaign=campaign, source=source)
    assert _review_queries(owner_client, campaign) == few
