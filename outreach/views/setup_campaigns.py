"""The campaign editor: list, create, edit every field, start/pause, reset the thresholds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.access import get_team
from outreach.engine.control import pause_campaign, start_campaign
from outreach.models import Campaign
from outreach.views.setup_access import get_campaign_for_user
from outreach.views.setup_forms import CampaignForm, KitImportForm, posted, threshold_defaults
from outreach.views.setup_preview import render_preview

EDITOR = "outreach/setup/campaign_form.html"


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.filter(team=get_team(request))
        .annotate(n_deals=Count("deals", distinct=True), n_accounts=Count("accounts", distinct=True))
        .order_by("name")
    )
    return render(request, "outreach/setup/campaigns.html", {"campaigns": campaigns, "import_form": KitImportForm()})


def _editor(request: HttpRequest, form: CampaignForm, campaign: Campaign) -> HttpResponse:
    source = form["followup_template"].value() or ""
    context = {"form": form, "campaign": campaign, "preview": render_preview(campaign, source)}
    return render(request, EDITOR, context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    team = get_team(request)
    campaign = Campaign(team=team, created_by=request.user)
    form = CampaignForm(posted(request), instance=campaign, team=team)
    if request.method == "POST" and form.is_valid():
        campaign = form.save()
        messages.success(request, f"Campaign “{campaign.name}” created. Start it when you are ready.")
        return redirect("campaign_detail", pk=campaign.pk)
    return _editor(request, form, campaign)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    form = CampaignForm(posted(request), instance=campaign, team=campaign.team)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Campaign saved.")
            return redirect("campaign_detail", pk=campaign.pk)
        campaign.refresh_from_db()  # the header shows what is saved, not the rejected input
    return _editor(request, form, campaign)


@login_required
@require_GET
def campaign_threshold_defaults(request: HttpRequest, pk: int) -> HttpResponse:
    """The thresholds fieldset filled with the defaults; saving the form keeps them."""
    campaign = get_campaign_for_user(request, pk)
    form = CampaignForm(instance=campaign, team=campaign.team, initial=threshold_defaults())
    return render(request, EDITOR + "#thresholds", {"form": form, "campaign": campaign, "reset": True})


@login_required
@require_POST
def campaign_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    error = ""
    if campaign.active:
        pause_campaign(campaign)
    elif not campaign.accounts.exists():
        error = "Link a LinkedIn account to this campaign before you start it."
    else:
        start_campaign(campaign)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("campaign_detail", pk=campaign.pk)
    return render(request, EDITOR + "#campaign-status", {"campaign": campaign, "status_error": error})
