"""LLM qualification through a real local OpenAI-compatible HTTP stub: success and every failure."""

import pytest

from qualifier import llm
from qualifier.models import Label, ReviewItem
from qualifier.service import qualify_next
from tests.factories import CampaignFactory, EnrichedLeadFactory


@pytest.fixture
def campaign(team):
    return CampaignFactory(team=team)


@pytest.fixture
def lead(team):
    return EnrichedLeadFactory(team=team, headline="Founder at Acme Logistics")


def test_llm_configured_by_setting_or_team_key(team, settings):
    settings.LLM_API_KEY = ""
    assert not llm.llm_configured(team)
    team.llm_api_key = "team-key"
    assert llm.llm_configured(team)
    with pytest.raises(llm.LLMError, match="No LLM API key"):
        llm.chat_model(type(team)())


def test_qualify_with_llm_structured_output(llm_settings, campaign, lead):
    qualified, reason = llm.qualify_with_llm(campaign, lead)
    assert qualified is True and "founder" in reason
    body = llm_settings.requests[-1]
    assert body["model"] == "stub-model" and body["temperature"] == 0.7
    assert body["response_format"]["type"] == "json_schema"
    assert set(body["response_format"]["json_schema"]["schema"]["properties"]) == {"qualified", "reason"}
    prompt = llm_settings.prompts[-1]
    assert campaign.product_docs in prompt and campaign.objective in prompt and "founder at acme logistics" in prompt


def test_retries_429_and_5xx_with_backoff_then_succeeds(llm_settings, campaign, lead):
    llm_settings.set_mode("429", times=1)
    assert llm.qualify_with_llm(campaign, lead)[0] is True
    llm_settings.set_mode("error500", times=2)
    assert llm.qualify_with_llm(campaign, lead)[0] is True
    assert len(llm_settings.requests) == 5


@pytest.mark.parametrize(
    ("mode", "message", "calls"),
    [
        ("error500", "HTTP 500", 3),  # 1 + LLM_MAX_RETRIES
        ("429", "HTTP 429", 3),
        ("timeout", "did not answer in time", 1),
        ("malformed", "could not be used|expected fields", 1),
        ("wrong_type", "expected fields|could not be used", 1),
    ],
)
def test_each_failure_leaves_the_lead_unlabelled_and_queued(llm_settings, campaign, lead, mode, message, calls):
    if mode == "timeout":
        llm_settings.delay = 2.0  # > LLM_TIMEOUT (1 s)
    llm_settings.set_mode(mode)
    with pytest.raises(llm.LLMError, match=message):
        llm.qualify_with_llm(campaign, lead)
    assert len(llm_settings.requests) == calls

    outcome = qualify_next(campaign)
    assert outcome.decision == "review" and outcome.qualified is None
    assert not Label.objects.filter(lead=lead).exists()
    item = ReviewItem.objects.get(campaign=campaign, lead=lead)
    assert item.status == "pending" and item.why.startswith("LLM failed")


def test_generate_keywords_skips_used_ones(llm_settings, campaign):
    kws = llm.generate_keywords(campaign, exclude=["Logistics Manager"], n=2)
    assert kws == ["operations director", "supply chain lead"]


def test_generate_text_and_connection_check(llm_settings, team):
    llm_settings.set_response("Hello there")
    assert llm.generate_text(team, "say hi") == "Hello there"
    assert llm.test_connection(team)["ok"] is True
    llm_settings.set_mode("error500")
    result = llm.test_connection({"api_key": "k", "api_base": llm_settings.url, "model": "m"})
    assert result == {"ok": False, "detail": "the LLM endpoint answered HTTP 500"}
