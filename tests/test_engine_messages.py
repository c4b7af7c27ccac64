"""Follow-up messages: sandboxed templates, LLM drafting with validation, approval."""

import pytest

from crm.models import Activity, Message, MessageStatus, Stage
from outreach.engine.messages import (
    MessageNeedsReview,
    TemplateError,
    approve_message,
    compose_followup,
    prepare_followup,
    reject_message,
    render_template,
)
from tests.factories import DealFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = "Thanks for connecting, Ann! We help logistics teams plan routes faster. Would a short call suit you?"


@pytest.fixture
def deal():
    d = DealFactory(stage=Stage.CONNECTED, lead__first_name="Ann", lead__last_name="Lee")
    d.campaign.followup_template = (
        "Write to {{ full_name }} ({{ headline }} at {{ current_company }}): {{ product_description }}"
    )
    d.campaign.save()
    return d


def test_template_renders_the_leads_fields(deal):
    text = render_template(deal.campaign.followup_template, deal.lead, deal.campaign)
    assert text == (
        "Write to Ann Lee (Operations Manager at Acme Logistics at Acme Logistics): "
        "A CRM for small logistics companies."
    )


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ full_name.__class__.__base__ }}",
        "{{ 'a' * 1000000000 }}",
        "{% for i in range(10**9) %}x{% endfor %}",
    ],
)
def test_sandbox_escapes_are_refused_with_a_clear_error(deal, source):
    with pytest.raises(TemplateError, match=r"not allowed|failed|limit"):
        render_template(source, deal.lead, deal.campaign)


def test_bad_templates_say_where_and_why(deal):
    with pytest.raises(TemplateError, match="line 2"):
        render_template("Hi\n{% if %}", deal.lead, deal.campaign)
    with pytest.raises(TemplateError, match=r"'nickname' is undefined.*Fields: full_name"):
        render_template("Hi {{ nickname }}", deal.lead, deal.campaign)


def test_without_an_llm_the_rendered_template_is_the_message_plus_booking_link(deal, settings):
    settings.LLM_API_KEY = ""
    deal.campaign.followup_template = "Hi {{ first_name }}, glad to connect!"
    assert compose_followup(deal) == "Hi Ann, glad to connect!\n\nhttps://cal.example.com/demo"


def test_without_an_llm_the_default_prompt_template_is_not_sent_but_reviewed(settings):
    settings.LLM_API_KEY = ""
    deal = DealFactory(stage=Stage.CONNECTED)
    message = prepare_followup(deal)
    assert message.status == MessageStatus.AWAITING_APPROVAL
    assert Activity.objects.get(kind="compose").detail.startswith("awaiting approval: no LLM")


def test_the_llm_writes_the_message_at_temperature_07_and_the_link_is_appended(deal, llm_settings):
    llm_settings.text_reply = f'"{GOOD}"'
    assert compose_followup(deal) == GOOD + "\n\nhttps://cal.example.com/demo"
    body = llm_settings.requests[-1]
    assert body["temperature"] == 0.7
    assert "Write to Ann Lee" in llm_settings.prompts[-1] and "at most 400 characters" in llm_settings.prompts[-1]
    assert "cal.example.com" not in llm_settings.prompts[-1]


def _replies(stub, texts):
    """Make the stub answer plain chat with each of `texts` in turn."""
    answer, queue = getattr(stub, "_unscripted", stub.answer), list(texts)
    stub._unscripted = answer

    def scripted(body, mode):
        stub.set_response(queue.pop(0) if queue else None)
        return answer(body, mode)

    stub.answer = scripted


def test_a_draft_that_is_too_long_is_regenerated_once(deal, llm_settings):
    _replies(llm_settings, ["x" * 401, GOOD])
    assert compose_followup(deal).startswith(GOOD)
    assert len(llm_settings.requests) == 2
    assert "rejected because the message is 401 characters long" in llm_settings.prompts[-1]


def test_two_bad_drafts_go_to_a_human_for_approval(deal, llm_settings):
    _replies(llm_settings, ["Hi [Name], thanks!", "Hello {{ first_name }}!"])
    with pytest.raises(MessageNeedsReview, match="placeholder"):
        compose_followup(deal)
    _replies(llm_settings, ["Hi [Name], thanks!", "Hello [Your Name]!"])
    message = prepare_followup(deal)
    assert message.status == MessageStatus.AWAITING_APPROVAL
    assert message.campaign == deal.campaign
    assert prepare_followup(deal) == message  # composed once per deal


def test_campaigns_requiring_approval_hold_every_message(deal, llm_settings):
    deal.campaign.require_message_approval = True
    deal.campaign.save()
    llm_settings.text_reply = GOOD
    message = prepare_followup(deal)
    assert message.status == MessageStatus.AWAITING_APPROVAL


def test_approval_edits_and_releases_the_message(deal, llm_settings):
    deal.campaign.require_message_approval = True
    llm_settings.text_reply = GOOD
    message = prepare_followup(deal)
    user = UserFactory()
    with pytest.raises(ValueError, match="placeholder"):
        approve_message(message, "Hi [Name]!", user)
    with pytest.raises(ValueError, match="empty"):
        approve_message(message, "  ", user)
    approve_message(message, "Hi Ann, edited by a human.", user)
    message.refresh_from_db()
    assert (message.status, message.text) == (MessageStatus.APPROVED, "Hi Ann, edited by a human.")
    assert Activity.objects.filter(kind="message_approved", user=user).exists()


def test_rejection_never_sends_and_fails_the_deal(deal, llm_settings):
    llm_settings.text_reply = GOOD
    message = prepare_followup(deal)
    reject_message(message, UserFactory(), "too pushy")
    deal.refresh_from_db()
    assert deal.stage == Stage.FAILED and "too pushy" in deal.failure_reason
    with pytest.raises(ValueError, match="already sent or rejected"):
        approve_message(message, GOOD, None)
    assert Message.objects.get().status == MessageStatus.REJECTED


def test_llm_down_raises_and_stores_nothing(deal, llm_settings):
    from qualifier.llm import LLMError

    llm_settings.set_mode("error500")
    with pytest.raises(LLMError):
        prepare_followup(deal)
    assert not Message.objects.exists()
