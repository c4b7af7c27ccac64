"""The campaign editor: list, create, edit, live preview, thresholds reset, start/pause, kits."""

import pytest

from crm.models import Stage
from outreach.models import Campaign
from tests.factories import CampaignFactory, DealFactory, EnrichedLeadFactory, LinkedInAccountFactory
from tests.test_ui_setup_support import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(team):
    return CampaignFactory(team=team, name="Logistics")


def editor_data(campaign: Campaign, **extra) -> dict:
    data = {
        "name": campaign.name,
        "product_docs": campaign.product_docs,
        "objective": campaign.objective,
        "booking_link": campaign.booking_link,
        "followup_template": "Hi {{ first_name }}, thanks for connecting!",
        "min_action_interval": 120,
        "check_pending_after_hours": 24,
        "min_qualifiable_leads": 50,
        "entropy_threshold": 0.3,
        "max_auto_std": 0.05,
        "min_accept_prob": 0.9,
        "n_mc_samples": 100,
    }
    data.update(extra)
    return data


def test_empty_list_says_what_to_do(owner_client):
    resp = owner_client.get("/campaigns/")
    assert b"No campaigns yet" in resp.content and b'href="/campaigns/new/"' in resp.content


def test_list_shows_only_the_teams_campaigns(owner_client, campaign):
    CampaignFactory(name="Someone else's")
    resp = owner_client.get("/campaigns/")
    assert b"Logistics" in resp.content and b"Someone else" not in resp.content


def test_create_campaign_and_land_in_its_editor(owner_client, team, owner):
    data = editor_data(Campaign(name="New one", product_docs="A tool for freight forwarders.", objective="CEOs"))
    resp = owner_client.post("/campaigns/new/", data)
    campaign = Campaign.objects.get(team=team, name="New one")
    assert resp["Location"] == f"/campaigns/{campaign.pk}/"
    assert campaign.created_by == owner and not campaign.active


def test_edit_saves_every_field(owner_client, campaign, team):
    account = LinkedInAccountFactory(team=team)
    data = editor_data(campaign, name="Renamed", min_accept_prob=0.8, n_mc_samples=50, accounts=[account.pk])
    data["require_message_approval"] = "on"
    assert owner_client.post(f"/campaigns/{campaign.pk}/", data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.min_accept_prob, campaign.n_mc_samples) == ("Renamed", 0.8, 50)
    assert campaign.require_message_approval and list(campaign.accounts.all()) == [account]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_accept_prob", "1.5", b"between 0 and 1"),
        ("min_action_interval", "2", b"at least 10 seconds"),
        ("n_mc_samples", "abc", b"Enter a whole number."),
        ("followup_template", "Hi {{ first_name ", b"Template error on line 1"),
        ("followup_template", "Hi {{ nickname }}", b"unknown field"),
    ],
)
def test_bad_input_rerenders_with_the_error_and_saves_nothing(owner_client, campaign, field, value, message):
    resp = owner_client.post(f"/campaigns/{campaign.pk}/", editor_data(campaign, name="Changed", **{field: value}))
    assert resp.status_code == 200 and message in resp.content and b"nothing was saved" in resp.content
    assert b'value="Changed"' in resp.content  # the input is kept
    campaign.refresh_from_db()
    assert campaign.name == "Logistics"


def test_account_of_another_team_cannot_be_linked(owner_client, campaign):
    foreign = LinkedInAccountFactory()
    resp = owner_client.post(f"/campaigns/{campaign.pk}/", editor_data(campaign, accounts=[foreign.pk]))
    assert b"Select a valid choice" in resp.content and not campaign.accounts.exists()


def test_live_preview_renders_for_a_real_lead_of_the_campaign(owner_client, campaign):
    deal = DealFactory(campaign=campaign, lead=EnrichedLeadFactory(team=campaign.team, first_name="Grace"))
    src = "Hi {{ first_name }}, about {{ product_description }}"
    resp = owner_client.post(f"/campaigns/{campaign.pk}/preview/", {"followup_template": src}, **HTMX)
    assert resp.status_code == 200 and b'id="preview"' in resp.content and b"<html" not in resp.content
    assert b"Hi Grace, about A CRM for small logistics companies." in resp.content
    assert f'value="{deal.lead.pk}" selected'.encode() in resp.content


def test_live_preview_shows_a_bad_template_error_inline(owner_client, campaign):
    resp = owner_client.post(f"/campaigns/{campaign.pk}/preview/", {"followup_template": "{% if %}"}, **HTMX)
    assert b'role="alert"' in resp.content and b"Template error" in resp.content


def test_preview_without_leads_uses_an_example_person(owner_client, campaign):
    resp = owner_client.post(f"/campaigns/{campaign.pk}/preview/", {"followup_template": "Hi {{ full_name }}"})
    assert b"Hi Ada Lovelace" in resp.content and b"no leads yet" in resp.content


def test_preview_for_a_new_campaign_uses_the_typed_fields(owner_client):
    data = {"followup_template": "We sell {{ product_description }}", "product_docs": "rockets"}
    resp = owner_client.post("/campaigns/new/preview/", data, **HTMX)
    assert b"We sell rockets" in resp.content


def test_preview_lead_picker_switches_lead(owner_client, campaign):
    DealFactory(campaign=campaign, lead=EnrichedLeadFactory(team=campaign.team, first_name="Grace"))
    other = DealFactory(campaign=campaign, lead=EnrichedLeadFactory(team=campaign.team, first_name="Linus")).lead
    data = {"followup_template": "Hi {{ first_name }}", "preview_lead": other.pk}
    assert b"Hi Linus" in owner_client.post(f"/campaigns/{campaign.pk}/preview/", data, **HTMX).content


def test_reset_thresholds_fills_in_the_defaults_without_saving(owner_client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(min_accept_prob=0.5, entropy_threshold=0.9)
    resp = owner_client.get(f"/campaigns/{campaign.pk}/thresholds/defaults/", **HTMX)
    assert b'id="thresholds"' in resp.content and b'value="0.9"' in resp.content and b'value="0.3"' in resp.content
    campaign.refresh_from_db()
    assert campaign.min_accept_prob == 0.5


def test_start_needs_a_linked_account(owner_client, campaign):
    resp = owner_client.post(f"/campaigns/{campaign.pk}/toggle/", **HTMX)
    assert b"Link a LinkedIn account" in resp.content
    campaign.refresh_from_db()
    assert not campaign.active


def test_start_and_pause_swap_the_status_in_place(owner_client, campaign, team):
    campaign.accounts.add(LinkedInAccountFactory(team=team))
    resp = owner_client.post(f"/campaigns/{campaign.pk}/toggle/", **HTMX)
    assert b'id="campaign-status"' in resp.content and b"Pause campaign" in resp.content
    campaign.refresh_from_db()
    assert campaign.active
    resp = owner_client.post(f"/campaigns/{campaign.pk}/toggle/")  # without htmx: a redirect
    assert resp.status_code == 302
    campaign.refresh_from_db()
    assert not campaign.active


def test_teammate_can_edit_team_campaigns(client, teammate, campaign):
    client.force_login(teammate)
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("post", ""),
        ("post", "preview/"),
        ("post", "toggle/"),
        ("get", "thresholds/defaults/"),
        ("get", "kit/"),
    ],
)
def test_outsider_gets_404_everywhere(outsider_client, campaign, method, suffix):
    resp = getattr(outsider_client, method)(f"/campaigns/{campaign.pk}/{suffix}")
    assert resp.status_code == 404
    campaign.refresh_from_db()
    assert campaign.name == "Logistics" and not campaign.active


def test_login_required(client, campaign):
    assert client.get("/campaigns/")["Location"].startswith("/login/")
    assert client.post(f"/campaigns/{campaign.pk}/toggle/")["Location"].startswith("/login/")


def test_post_without_csrf_token_is_refused(owner, campaign):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(f"/campaigns/{campaign.pk}/toggle/").status_code == 403


def test_kit_export_downloads_and_imports_as_a_new_campaign(owner_client, campaign, team):
    DealFactory(campaign=campaign, stage=Stage.NEW)
    resp = owner_client.get(f"/campaigns/{campaign.pk}/kit/")
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("logistics-kit.zip", resp.content)
    resp = owner_client.post("/campaigns/import/", {"file": upload})
    imported = Campaign.objects.filter(team=team).exclude(pk=campaign.pk).get()
    assert resp["Location"] == f"/campaigns/{imported.pk}/"


def test_kit_import_of_garbage_says_why_and_creates_nothing(owner_client, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = owner_client.post("/campaigns/import/", {"file": SimpleUploadedFile("x.zip", b"not a kit")}, **HTMX)
    assert resp.status_code == 200 and b"could not be imported" in resp.content and b'id="kit-import"' in resp.content
    assert not Campaign.objects.filter(team=team).exists()


def test_kit_import_needs_a_file_or_url(owner_client):
    resp = owner_client.post("/campaigns/import/", {})
    assert b"Choose a kit file or enter a URL." in resp.content


def test_kit_import_from_a_url(owner_client, campaign, team):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    kit = owner_client.get(f"/campaigns/{campaign.pk}/kit/").content

    class Serve(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(kit)))
            self.end_headers()
            self.wfile.write(kit)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Serve)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        resp = owner_client.post("/campaigns/import/", {"url": f"http://127.0.0.1:{server.server_address[1]}/k.zip"})
    finally:
        server.shutdown()
    imported = Campaign.objects.filter(team=team).exclude(pk=campaign.pk).get()
    assert resp["Location"] == f"/campaigns/{imported.pk}/" and imported.name.startswith("Logistics")


def test_kit_import_refuses_non_http_urls(owner_client, team):
    resp = owner_client.post("/campaigns/import/", {"url": "ftp://example.com/kit.zip"})
    assert b"Use an http:// or https:// address." in resp.content and not Campaign.objects.filter(team=team).exists()
