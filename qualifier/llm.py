"""LLM calls through any OpenAI-compatible endpoint (langchain-openai `ChatOpenAI`).

Configuration: the team's own key / model / base URL when set, otherwise the `LLM_API_KEY`,
`AI_MODEL` and `LLM_API_BASE` settings. Every call has a timeout (`LLM_TIMEOUT`, 60 s) and is retried
with exponential back-off on HTTP 429, 5xx and dropped connections (`LLM_MAX_RETRIES`, base delay
`LLM_RETRY_BACKOFF`; a server's Retry-After is honoured up to 30 s). Any failure (timeout, HTTP
error, malformed or wrongly-typed answer) raises `LLMError`: callers leave the lead unlabelled and
queued, never guess a label.
"""

import contextlib
import logging
import random
import time
from functools import lru_cache
from pathlib import Path

import openai
from django.conf import settings
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, Field, ValidationError

log = logging.getLogger(__name__)
PROMPTS = Path(__file__).resolve().parent / "prompts"
RETRYABLE_STATUS = {408, 409, 429}


class LLMError(Exception):
    """The LLM could not give a usable answer (the message says why, for the user)."""


class Qualification(BaseModel):
    qualified: bool = Field(description="True when the lead fits the campaign objective.")
    reason: str = Field(description="One or two sentences explaining the decision.")


class Keywords(BaseModel):
    keywords: list[str] = Field(description="Short LinkedIn people-search keywords.")


@lru_cache(maxsize=1)
def _jinja() -> Environment:
    return Environment(loader=FileSystemLoader(PROMPTS), undefined=StrictUndefined, autoescape=False)


def render_prompt(name: str, **context) -> str:
    return _jinja().get_template(name).render(**context)


def _config(team) -> dict:
    """Key, model and base URL: a dict (unsaved settings form), a team, or the site settings."""
    if isinstance(team, dict):
        return {
            "api_key": team.get("api_key") or settings.LLM_API_KEY,
            "model": team.get("model") or settings.AI_MODEL,
            "base_url": team.get("api_base") or settings.LLM_API_BASE or None,
        }
    return {
        "api_key": (getattr(team, "llm_api_key", "") or settings.LLM_API_KEY or ""),
        "model": (getattr(team, "llm_model", "") or settings.AI_MODEL),
        "base_url": (getattr(team, "llm_api_base", "") or settings.LLM_API_BASE or None),
    }


def llm_configured(team) -> bool:
    return bool(_config(team)["api_key"])


def chat_model(team, temperature: float = 0.7):
    from langchain_openai import ChatOpenAI

    cfg = _config(team)
    if not cfg["api_key"]:
        raise LLMError("No LLM API key is configured (team settings or LLM_API_KEY).")
    return ChatOpenAI(
        model=cfg["model"],
        api_key=cfg["api_key"],
        base_url=cfg["base_url"],
        temperature=temperature,
        timeout=float(getattr(settings, "LLM_TIMEOUT", 60)),
        max_retries=0,  # our own loop below, so 429/5xx back-off is explicit and testable
    )


def _retry_delay(attempt: int, exc: Exception) -> float:
    base = float(getattr(settings, "LLM_RETRY_BACKOFF", 1.0))
    delay = base * (2**attempt) * (1 + random.random() / 4)
    response = getattr(exc, "response", None)
    retry_after = response.headers.get("retry-after") if response is not None else None
    if retry_after:
        with contextlib.suppress(ValueError):
            delay = max(delay, min(float(retry_after), 30.0))
    return delay


def _is_retryable(exc: Exception) -> bool:
    if isinstance(exc, openai.APITimeoutError):
        return False  # already waited the full timeout: fail, the lead stays queued
    if isinstance(exc, openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return "the LLM did not answer in time"
    if isinstance(exc, openai.APIStatusError):
        return f"the LLM endpoint answered HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):
        return "could not reach the LLM endpoint"
    if isinstance(exc, ValidationError):
        return "the LLM answer did not have the expected fields"
    return f"the LLM answer could not be used ({type(exc).__name__})"


def _invoke(runnable, prompt: str):
    """Invoke with retries on 429/5xx/connection errors; every failure becomes `LLMError`."""
    retries = int(getattr(settings, "LLM_MAX_RETRIES", 3))
    for attempt in range(retries + 1):
        try:
            return runnable.invoke(prompt)
        except Exception as exc:  # openai, pydantic and langchain parser errors alike
            if _is_retryable(exc) and attempt < retries:
                delay = _retry_delay(attempt, exc)
                log.warning("LLM call failed (%s); retry %d/%d in %.2fs", _describe(exc), attempt + 1, retries, delay)
                time.sleep(delay)
                continue
            raise LLMError(_describe(exc)) from exc
    raise LLMError("the LLM call failed")  # pragma: no cover - loop always returns or raises


def qualify_with_llm(campaign, lead) -> tuple[bool, str]:
    """Ask the LLM whether `lead` fits `campaign`: (qualified, reason). Raises `LLMError`."""
    from qualifier.embeddings import profile_text

    prompt = render_prompt(
        "qualify_lead.j2",
        product_docs=campaign.product_docs,
        objective=campaign.objective,
        profile_text=profile_text(lead.profile or {}, lead=lead),
    )
    model = chat_model(campaign.team).with_structured_output(Qualification)
    result = _invoke(model, prompt)
    if not isinstance(result, Qualification):
        raise LLMError("the LLM answer did not have the expected fields")
    reason = result.reason.strip()[:2000] or "(no reason given)"
    return bool(result.qualified), reason


def generate_keywords(campaign, exclude: list[str], n: int = 10) -> list[str]:
    """New search keywords for the campaign, none of `exclude` (case-insensitive), at most `n`."""
    prompt = render_prompt(
        "keywords.j2", product_docs=campaign.product_docs, objective=campaign.objective, exclude=exclude, n=n
    )
    result = _invoke(chat_model(campaign.team).with_structured_output(Keywords), prompt)
    if not isinstance(result, Keywords):
        raise LLMError("the LLM answer did not have the expected fields")
    seen = {e.strip().lower() for e in exclude}
    out: list[str] = []
    for kw in result.keywords:
        kw = " ".join(str(kw).split())[:100]
        if kw and kw.lower() not in seen:
            seen.add(kw.lower())
            out.append(kw)
    return out[:n]


def generate_text(team, prompt: str, temperature: float = 0.7) -> str:
    message = _invoke(chat_model(team, temperature=temperature), prompt)
    text = message.content if isinstance(message.content, str) else str(message.content)
    if not text.strip():
        raise LLMError("the LLM returned an empty answer")
    return text


def test_connection(team_or_settings) -> dict:
    """One short call with the given configuration: {"ok": bool, "detail": str} (never raises)."""
    try:
        text = generate_text(team_or_settings, "Reply with the single word OK.", temperature=0)
    except LLMError as exc:
        return {"ok": False, "detail": str(exc)}
    model = _config(team_or_settings)["model"]
    return {"ok": True, "detail": f"{model} answered: {text.strip()[:80]}"}


test_connection.__test__ = False  # not a pytest test when imported into a test module
