"""Follow-up messages: the campaign's Jinja2 template, the LLM, validation, approval.

The template is rendered in a *sandboxed* Jinja2 environment (user templates cannot reach Python
internals) with the lead's fields. With an LLM configured the rendered text is a prompt: the LLM
(temperature 0.7) writes the message, which must be 2-4 sentences, at most 400 characters, with no
placeholder left; a failed check is retried once with the reason, then the draft goes to a human
(`Message` awaiting approval). Without an LLM the rendered template itself is the message. The
campaign's booking link is appended last, outside the LLM's reach.
"""

import re

import jinja2
from django.db import transaction
from django.utils import timezone
from jinja2.sandbox import SandboxedEnvironment

from crm.models import Deal, Lead, Message, MessageDirection, MessageStatus, Stage
from crm.services import activity_log, deal_move

MAX_LENGTH = 400
MAX_RENDERED = 20_000
FIELDS = (
    "full_name",
    "first_name",
    "last_name",
    "headline",
    "current_company",
    "current_title",
    "location",
    "industry",
    "summary",
    "public_id",
    "linkedin_url",
    "product_description",
    "campaign_objective",
    "campaign_name",
    "booking_link",
    "shared_connections",
)
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\[(?:your |their |first |last |company |full )?[A-Z][\w .'-]{0,30}\]")
CONSTRAINTS = (
    "\n\nWrite only the message itself: 2 to 4 sentences, at most 400 characters, "
    "no placeholders or brackets, no subject line."
)
# Statuses of an outgoing message that still stands (one per lead and campaign).
LIVE = (MessageStatus.AWAITING_APPROVAL, MessageStatus.APPROVED, MessageStatus.SENDING, MessageStatus.SENT)


class TemplateError(ValueError):
    """The follow-up template cannot be rendered; the message says where and why."""


class MessageNeedsReview(Exception):
    """The LLM's draft failed validation twice: a human must edit or reject it."""

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason
        super().__init__(reason)


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, plus a cap on `*` and `**` so `{{ 'a' * 10**9 }}` cannot exhaust memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator: str, left, right):
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise jinja2.exceptions.SecurityError("exponent too large")
        if operator == "*":
            sizes = [len(x) for x in (left, right) if isinstance(x, str | list | tuple)]
            counts = [x for x in (left, right) if isinstance(x, int)]
            if sizes and counts and sizes[0] * max(counts) > MAX_RENDERED:
                raise jinja2.exceptions.SecurityError("repeated text too long")
        return super().call_binop(context, operator, left, right)


_env = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


def template_context(lead: Lead, campaign) -> dict[str, str]:
    profile = lead.profile or {}
    positions = profile.get("positions") or []
    first = positions[0] if positions else {}
    company = first.get("company_name") or (lead.company.name if lead.company_id else "")
    return {
        "full_name": lead.full_name or lead.public_id,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "headline": lead.headline,
        "current_company": company or "",
        "current_title": first.get("title") or "",
        "location": lead.location,
        "industry": profile.get("industry") or "",
        "summary": profile.get("summary") or "",
        "public_id": lead.public_id,
        "linkedin_url": lead.linkedin_url,
        "product_description": campaign.product_docs,
        "campaign_objective": campaign.objective,
        "campaign_name": campaign.name,
        "booking_link": campaign.booking_link,
        "shared_connections": str(profile.get("shared_connections") or ""),
    }


def render_template(template_src: str, lead: Lead, campaign) -> str:
    """Render a follow-up template for `lead`; raise `TemplateError` with a clear message if it is bad."""
    try:
        template = _env.from_string(template_src)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"Template error on line {exc.lineno}: {exc.message}") from exc
    try:
        text = template.render(**template_context(lead, campaign))
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"The template tried something that is not allowed: {exc}") from exc
    except jinja2.UndefinedError as exc:
        fields = ", ".join(FIELDS)
        raise TemplateError(f"The template uses an unknown field or attribute ({exc}). Fields: {fields}.") from exc
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, OverflowError) as exc:
        raise TemplateError(f"The template failed while rendering: {exc}") from exc
    if len(text) > MAX_RENDERED:
        raise TemplateError(f"The rendered template is {len(text)} characters long; the limit is {MAX_RENDERED}.")
    return text.strip()


def problems(text: str) -> str:
    """Why a drafted message cannot be sent as is ('' when it can)."""
    if not text.strip():
        return "the message is empty"
    if len(text) > MAX_LENGTH:
        return f"the message is {len(text)} characters long; the limit is {MAX_LENGTH}"
    if match := PLACEHOLDER.search(text):
        return f"the message still contains a placeholder ({match.group(0)})"
    return ""


def _clean(text: str) -> str:
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'“":
        text = text[1:-1].strip()
    return text


def _with_link(text: str, campaign) -> str:
    link = campaign.booking_link
    return f"{text}\n\n{link}" if link and link not in text else text


def compose_followup(deal: Deal) -> str:
    """The follow-up text for a deal, booking link included. Raises `MessageNeedsReview`,
    `TemplateError` (bad template) or `qualifier.llm.LLMError` (LLM down)."""
    from qualifier.llm import generate_text, llm_configured

    campaign, lead = deal.campaign, deal.lead
    prompt = render_template(campaign.followup_template, lead, campaign)
    if not llm_configured(campaign.team):
        from outreach.models import DEFAULT_FOLLOWUP_TEMPLATE

        if campaign.followup_template.strip() == DEFAULT_FOLLOWUP_TEMPLATE.strip():
            raise MessageNeedsReview(prompt, "no LLM is configured and the template is the default LLM prompt")
        if match := PLACEHOLDER.search(prompt):
            raise MessageNeedsReview(prompt, f"the message still contains a placeholder ({match.group(0)})")
        return _with_link(prompt, campaign)
    text = _clean(generate_text(campaign.team, prompt + CONSTRAINTS, temperature=0.7))
    if why := problems(text):
        retry = f"{prompt}{CONSTRAINTS}\n\nA previous draft was rejected because {why}. Fix that."
        text = _clean(generate_text(campaign.team, retry, temperature=0.7))
        if why := problems(text):
            raise MessageNeedsReview(text, why)
    return _with_link(text, campaign)


def outgoing(deal: Deal) -> Message | None:
    """The follow-up of this deal that still stands, if any (newest first)."""
    return (
        Message.objects.filter(lead=deal.lead, campaign=deal.campaign, direction=MessageDirection.OUT, status__in=LIVE)
        .order_by("-created_at")
        .first()
    )


def prepare_followup(deal: Deal, account=None) -> Message:
    """Compose the deal's follow-up once and store it: approved, or awaiting a human when the campaign
    asks for approval or the draft failed validation. LLM and template errors propagate."""
    if (existing := outgoing(deal)) is not None:
        return existing
    campaign = deal.campaign
    status, why = MessageStatus.APPROVED, ""
    try:
        text = compose_followup(deal)
    except MessageNeedsReview as exc:
        text, status, why = _with_link(exc.text, campaign), MessageStatus.AWAITING_APPROVAL, exc.reason
    if campaign.require_message_approval:
        status = MessageStatus.AWAITING_APPROVAL
        why = why or "the campaign requires approval of every follow-up"
    with transaction.atomic():
        if (existing := outgoing(deal)) is not None:  # composed twice in a race: keep the first
            return existing
        message = Message.objects.create(
            team=deal.team, lead=deal.lead, campaign=campaign, account=account, text=text, status=status
        )
    activity_log(
        team=deal.team,
        kind="compose",
        lead=deal.lead,
        campaign=campaign,
        account=account,
        result="skipped" if status == MessageStatus.AWAITING_APPROVAL else "ok",
        detail=f"awaiting approval: {why}" if why else "follow-up ready",
        data={"message_id": message.pk},
    )
    return message


def approve_message(message: Message, text: str, user) -> Message:
    """A human approves a follow-up, possibly edited; the engine sends it on its next tick."""
    text = (text or "").strip()
    if not text:
        raise ValueError("The message is empty.")
    if match := PLACEHOLDER.search(text):
        raise ValueError(f"The message still contains a placeholder ({match.group(0)}).")
    updated = Message.objects.filter(
        pk=message.pk, status__in=(MessageStatus.AWAITING_APPROVAL, MessageStatus.APPROVED)
    ).update(text=text, status=MessageStatus.APPROVED)
    if not updated:
        raise ValueError("This message was already sent or rejected.")
    message.refresh_from_db()
    activity_log(
        team=message.team,
        kind="message_approved",
        lead=message.lead,
        campaign=message.campaign,
        user=user,
        data={"message_id": message.pk},
    )
    return message


def reject_message(message: Message, user, reason: str = "") -> Message:
    """A human rejects a follow-up: it is never sent and the deal fails with the reason."""
    updated = Message.objects.filter(
        pk=message.pk, status__in=(MessageStatus.AWAITING_APPROVAL, MessageStatus.APPROVED)
    ).update(status=MessageStatus.REJECTED)
    if not updated:
        raise ValueError("This message was already sent or rejected.")
    message.refresh_from_db()
    why = f"follow-up rejected by {user}" + (f": {reason}" if reason else "")
    deal = Deal.objects.filter(lead=message.lead, campaign=message.campaign, stage=Stage.CONNECTED).first()
    if deal is not None:
        deal_move(deal=deal, to=Stage.FAILED, user=user, reason=why)
    activity_log(
        team=message.team,
        kind="message_rejected",
        lead=message.lead,
        campaign=message.campaign,
        user=user,
        result="skipped",
        detail=why,
        data={"message_id": message.pk},
    )
    return message


def mark_sent(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_at=timezone.now())
    message.status = MessageStatus.SENT
