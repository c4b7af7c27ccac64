"""The review queue's second tab: follow-up messages waiting for a human to approve them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from crm.access import get_team
from crm.models import Message, MessageStatus
from outreach.engine.messages import approve_message, reject_message
from outreach.models import Campaign
from qualifier.views import awaiting_messages, campaign_filter, tab_counts

TEMPLATE = "qualifier/messages.html"
MAX_TEXT = 8000
LIST_LENGTH = 50


def _context(request: HttpRequest, errors: dict[int, str] | None = None, drafts: dict[int, str] | None = None) -> dict:
    team = get_team(request)
    campaign = campaign_filter(request, team)
    awaiting = awaiting_messages(team, campaign)
    counts = tab_counts(team, campaign)
    rows = list(awaiting.select_related("lead__company", "campaign", "account").order_by("created_at")[:LIST_LENGTH])
    for row in rows:
        row.error = (errors or {}).get(row.pk, "")
        row.draft = (drafts or {}).get(row.pk, row.text)
    return {
        "campaign": campaign,
        "campaigns": Campaign.objects.filter(team=team).only("pk", "name"),
        "pending_messages": rows,
        "tab_counts": counts,
        "left": counts["approvals"],
    }


def _respond(request: HttpRequest, **kwargs) -> HttpResponse:
    context = _context(request, **kwargs)
    if request.htmx:
        return render(request, f"{TEMPLATE}#message-list", context)
    if request.method == "POST" and not kwargs:
        raw = context["campaign"].pk if context["campaign"] else ""
        return redirect(reverse("review_messages") + (f"?campaign={raw}" if raw else ""))
    return render(request, TEMPLATE, context)


@login_required
@require_GET
def message_queue(request: HttpRequest) -> HttpResponse:
    return _respond(request)


def _message_for_user(request: HttpRequest, pk: int) -> Message:
    return get_object_or_404(Message.objects.select_related("lead", "campaign"), pk=pk, team=get_team(request))


def _already_handled(request: HttpRequest, message: Message) -> HttpResponse | None:
    if message.status == MessageStatus.AWAITING_APPROVAL:
        return None
    messages.warning(request, f"The message to {message.lead} was already {message.get_status_display().lower()}.")
    return _respond(request)


def _decided(request: HttpRequest, message: Message, verb: str) -> HttpResponse:
    messages.success(request, f"Message to {message.lead} {verb}.")
    return _respond(request)


@login_required
@require_POST
def message_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a follow-up, with the text as edited; an empty or too long text is sent back."""
    message = _message_for_user(request, pk)  # another team's message is a 404 even with bad input
    if handled := _already_handled(request, message):
        return handled
    text = request.POST.get("text", "").strip()
    if len(text) > MAX_TEXT:
        error = f"The message is {len(text)} characters long; LinkedIn takes at most {MAX_TEXT}."
        return _respond(request, errors={pk: error}, drafts={pk: request.POST.get("text", "")})
    try:
        approve_message(message, text, request.user)
    except ValueError as exc:  # empty, a leftover placeholder, or already handled
        return _respond(request, errors={pk: str(exc)}, drafts={pk: request.POST.get("text", "")})
    return _decided(request, message, "approved")


@login_required
@require_POST
def message_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject a follow-up: it is never sent (the engine fails the deal with the reason)."""
    message = _message_for_user(request, pk)
    if handled := _already_handled(request, message):
        return handled
    try:
        reject_message(message, request.user, request.POST.get("reason", "").strip()[:500])
    except ValueError as exc:
        return _respond(request, errors={pk: str(exc)})
    return _decided(request, message, "rejected")
