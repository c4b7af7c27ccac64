"""The lead drawer: a lead's profile, qualification, activity timeline and messages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from crm.access import get_lead_for_user, get_team
from crm.models import Lead, Stage
from outreach.models import Campaign
from outreach.views.pipeline_board import legal_targets
from qualifier.views import explain_safely

TIMELINE_LENGTH = 50


def _focus_campaign(request: HttpRequest, lead: Lead, deals: list, labels: list) -> Campaign | None:
    """The campaign the drawer explains: the board's filter, else the lead's first deal or label."""
    raw = request.GET.get("campaign", "")
    if raw.isdigit():
        found = Campaign.objects.filter(pk=int(raw), team=get_team(request)).first()
        if found:
            return found
    for row in [*deals, *labels]:
        return row.campaign
    return lead.source_campaign


def _label_targets(lead: Lead, campaign: Campaign | None, deals: list, labels: list) -> list[tuple[str, str]]:
    """Qualify / disqualify by hand in the drawer's campaign (the keyboard way to drag a lead card)."""
    if campaign is None or lead.disqualified or not lead.is_enriched:
        return []
    if any(deal.campaign_id == campaign.pk for deal in deals):
        return []  # the deal's own "Move to" buttons cover it
    rejected = any(label.campaign_id == campaign.pk and not label.qualified for label in labels)
    return [("new", "Qualify")] if rejected else [("new", "Qualify"), ("disqualified", "Disqualify")]


def _move_buttons(deal) -> list[tuple[str, str]]:
    """(column, button text) for each stage the deal may move to."""
    return [(t, "Disqualified" if t == "disqualified" else Stage(t).label) for t in legal_targets("deal", deal.stage)]


@login_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_lead_for_user(request, pk)
    deals = list(lead.deals.select_related("campaign").order_by("-stage_changed_at"))
    labels = list(lead.labels.select_related("campaign", "user").order_by("-updated_at"))
    campaign = _focus_campaign(request, lead, deals, labels)
    context = {
        "lead": lead,
        "deals": [(deal, _move_buttons(deal)) for deal in deals],
        "labels": labels,
        "campaign": campaign,
        "label_targets": _label_targets(lead, campaign, deals, labels),
        "explanation": explain_safely(campaign, lead),
        "positions": (lead.profile or {}).get("positions") or [],
        "educations": (lead.profile or {}).get("educations") or [],
        "activities": lead.activities.select_related("user", "account", "campaign")[:TIMELINE_LENGTH],
        "lead_messages": lead.messages.select_related("campaign").order_by("-created_at")[:TIMELINE_LENGTH],
        "review_items": lead.review_items.select_related("campaign").order_by("-created_at")[:5],
    }
    if request.htmx:
        return render(request, "outreach/pipeline/lead.html#drawer", context)
    return render(request, "outreach/pipeline/lead.html", context)
