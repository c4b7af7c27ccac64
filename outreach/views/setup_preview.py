"""The follow-up template's live preview: rendered for a real lead of the campaign."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from crm.access import get_team
from crm.models import Lead, Team
from outreach.engine.messages import TemplateError, render_template
from outreach.models import Campaign
from outreach.views.setup_access import get_campaign_for_user

PARTIAL = "outreach/setup/campaign_form.html#preview"
MAX_CHOICES = 25


def sample_lead(team: Team) -> Lead:
    """An unsaved example, used only while a campaign has no leads yet."""
    profile = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "headline": "Head of Operations at Example Logistics",
        "location": "Berlin, Germany",
        "positions": [{"title": "Head of Operations", "company_name": "Example Logistics"}],
    }
    return Lead(
        team=team,
        public_id="ada-lovelace-example",
        first_name="Ada",
        last_name="Lovelace",
        headline=profile["headline"],
        location=profile["location"],
        profile=profile,
    )


def lead_choices(campaign: Campaign) -> list[Lead]:
    """The campaign's leads (its deals first, then those it discovered), for the preview picker."""
    if not campaign.pk:
        return list(Lead.objects.filter(team=campaign.team).enriched().order_by("-enriched_at")[:MAX_CHOICES])
    leads = list(Lead.objects.filter(deals__campaign=campaign).order_by("-deals__stage_changed_at")[:MAX_CHOICES])
    if len(leads) < MAX_CHOICES:
        seen = [lead.pk for lead in leads]
        more = Lead.objects.filter(source_campaign=campaign).exclude(pk__in=seen).order_by("-discovered_at")
        leads += list(more[: MAX_CHOICES - len(leads)])
    return leads


def render_preview(campaign: Campaign, source: str, lead_id: str | int | None = None) -> dict:
    """dict(text, error, lead, leads, sample) for the preview partial."""
    leads = lead_choices(campaign)
    lead = next((x for x in leads if str(x.pk) == str(lead_id)), leads[0] if leads else None)
    from qualifier.llm import llm_configured  # imports the OpenAI client: only when a preview is drawn

    context = {
        "llm_on": llm_configured(campaign.team),
        "leads": leads,
        "lead": lead or sample_lead(campaign.team),
        "sample": lead is None,
        "text": "",
        "error": "",
    }
    try:
        context["text"] = render_template(source, context["lead"], campaign)
    except TemplateError as exc:
        context["error"] = str(exc)
    return context


@login_required
@require_POST
def campaign_preview(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    campaign = Campaign(team=get_team(request)) if pk is None else get_campaign_for_user(request, pk)
    for field in ("name", "product_docs", "objective", "booking_link"):
        if field in request.POST:
            setattr(campaign, field, request.POST[field])  # preview what is typed, unsaved
    source = request.POST.get("followup_template", "")
    return render(request, PARTIAL, {"preview": render_preview(campaign, source, request.POST.get("preview_lead"))})
