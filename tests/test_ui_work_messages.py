"""The second review tab: follow-up messages awaiting approval (edit, approve, reject)."""

import pytest
from django.urls import reverse

from crm.models import Message, MessageStatus
from tests.factories import CampaignFactory, MessageFactory

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "message-list"}


@pytest.fixture
def campaign(team):
    return CampaignFactory(team=team, require_message_approval=True)


@pytest.fixture
def waiting(team, campaign):
    return MessageFactory(team=team, campaign=campaign, status=MessageStatus.AWAITING_APPROVAL, text="Hi, draft one")


def test_lists_messages_awaiting_approval(owner_client, team, waiting):
    MessageFactory(team=team, status=MessageStatus.SENT, text="Already sent text")
    response = owner_client.get(reverse("review_messages"))
    html = response.content.decode()
    assert response.status_code == 200 and "Hi, draft one" in html and "Already sent text" not in html
    assert "1</strong> message awaiting approval" in html and f'for="text-{waiting.pk}"' in html


def test_htmx_gets_just_the_list(owner_client, waiting):
    html = owner_client.get(reverse("review_messages"), **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="message-list"') and "<html" not in html


def test_empty_state(owner_client):
    assert "No messages waiting" in owner_client.get(reverse("review_messages")).content.decode()


def test_empty_text_is_sent_back_with_an_error_and_nothing_changes(owner_client, waiting):
    response = owner_client.post(reverse("message_approve", args=[waiting.pk]), {"text": "   "}, **HTMX)
    assert response.status_code == 200 and "The message is empty" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.AWAITING_APPROVAL and waiting.text == "Hi, draft one"


def test_too_long_text_keeps_the_draft(owner_client, waiting):
    response = owner_client.post(reverse("message_approve", args=[waiting.pk]), {"text": "x" * 8001}, **HTMX)
    assert "at most 8000" in response.content.decode() and "x" * 8001 in response.content.decode()
    assert Message.objects.get(pk=waiting.pk).status == MessageStatus.AWAITING_APPROVAL


def test_outsider_gets_404(outsider_client, waiting):
    assert outsider_client.post(reverse("message_approve", args=[waiting.pk]), {"text": "hi"}).status_code == 404
    assert outsider_client.post(reverse("message_reject", args=[waiting.pk])).status_code == 404
    assert "Hi, draft one" not in outsider_client.get(reverse("review_messages")).content.decode()
    assert Message.objects.get(pk=waiting.pk).status == MessageStatus.AWAITING_APPROVAL


def test_approve_with_edited_text(owner_client, waiting):
    response = owner_client.post(reverse("message_approve", args=[waiting.pk]), {"text": "Hi, edited"}, **HTMX)
    assert response.status_code == 200, response.content
    waiting.refresh_from_db()
    assert waiting.status != MessageStatus.AWAITING_APPROVAL and waiting.text == "Hi, edited"
    assert "approved" in response.content.decode()


def test_reject(owner_client, waiting):
    response = owner_client.post(reverse("message_reject", args=[waiting.pk]), **HTMX)
    assert response.status_code == 200, response.content
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.REJECTED


def test_already_handled_message_is_not_approved_again(owner_client, team, campaign):
    sent = MessageFactory(team=team, campaign=campaign, status=MessageStatus.SENT)
    response = owner_client.post(reverse("message_approve", args=[sent.pk]), {"text": "again"}, **HTMX)
    assert "already sent" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT and sent.text != "again"


def test_engine_refusal_is_shown_on_the_message(owner_client, waiting):
    response = owner_client.post(reverse("message_approve", args=[waiting.pk]), {"text": "Hi {{ first_name }}"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "placeholder" in html and 'aria-invalid="true"' in html
    assert Message.objects.get(pk=waiting.pk).status == MessageStatus.AWAITING_APPROVAL


def test_plain_form_post_redirects_back_to_the_tab(owner_client, campaign, waiting):
    response = owner_client.post(
        reverse("message_approve", args=[waiting.pk]), {"text": "Hi, plain post", "campaign": campaign.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/review/messages/?campaign={campaign.pk}"
    assert Message.objects.get(pk=waiting.pk).status == MessageStatus.APPROVED


def test_plain_form_post_with_bad_input_renders_the_page_with_the_error(owner_client, waiting):
    response = owner_client.post(reverse("message_approve", args=[waiting.pk]), {"text": ""})
    assert response.status_code == 200 and "<html" in response.content.decode()
    assert "empty" in response.content.decode()
