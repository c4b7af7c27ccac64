"""Campaign kits: export a campaign (with its trained model) as a download, import one from a file or URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from crm.access import get_team
from outreach.engine.kits import KitError, export_kit, import_kit
from outreach.models import Campaign
from outreach.views.setup_access import get_campaign_for_user
from outreach.views.setup_forms import KitImportForm


@login_required
@require_GET
def campaign_export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    data = export_kit(campaign)
    extension = "zip" if data[:2] == b"PK" else "json"
    response = HttpResponse(data, content_type="application/zip" if extension == "zip" else "application/json")
    response["Content-Disposition"] = f'attachment; filename="{slugify(campaign.name) or "campaign"}-kit.{extension}"'
    return response


@login_required
@require_POST
def campaign_import(request: HttpRequest) -> HttpResponse:
    team = get_team(request)
    form = KitImportForm(request.POST, request.FILES)
    if form.is_valid():
        source = form.cleaned_data["file"].read() if form.cleaned_data["file"] else form.cleaned_data["url"]
        try:
            campaign = import_kit(team, source)
        except KitError as exc:
            form.add_error(None, f"This kit could not be imported: {exc}")
        else:
            messages.success(request, f"Imported “{campaign.name}”. Review it, link an account and start it.")
            return redirect("campaign_detail", pk=campaign.pk)
    campaigns = Campaign.objects.filter(team=team).order_by("name")
    context = {"campaigns": campaigns, "import_form": form}
    if request.htmx:
        return render(request, "outreach/setup/campaigns.html#kit-import", context)
    return render(request, "outreach/setup/campaigns.html", context)
