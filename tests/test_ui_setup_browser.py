"""The set-up screens in real Chromium: the onboarding wizard with the simulator and the stub LLM,
the campaign editor's live preview, pausing an account."""

import re

import pytest
from playwright.sync_api import Page, expect

from crm.models import Membership
from outreach.models import Campaign, LinkedInAccount
from tests.conftest import screenshot
from tests.factories import CampaignFactory, DealFactory, EnrichedLeadFactory, LinkedInAccountFactory, MembershipFactory
from tests.test_ui_setup_support import eager_celery_fixture  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_onboarding_wizard_end_to_end_with_the_simulator_and_stub_llm(
    live_server, login_page, page: Page, sim, llm_settings, eager_celery
):
    membership = MembershipFactory(onboarding_done=False, onboarding_step=1)
    login_page(membership.user)
    expect(page).to_have_url(re.compile(r"/onboarding/1/$"))
    expect(page.get_by_text("Step 1 of 5")).to_be_visible()
    screenshot(page, "setup-onboarding-1-team")
    page.get_by_label("Team name").fill("Acme Sales")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="First campaign")).to_be_visible()
    page.get_by_role("button", name="Next").click()  # empty: errors, stays
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("Campaign name").fill("Logistics CRM")
    page.get_by_label("Product description").fill("A CRM for small logistics companies that tracks shipments.")
    page.get_by_label("Objective").fill("Operations managers at logistics firms.")
    page.get_by_label("Booking link").fill("https://cal.example.com/demo")
    screenshot(page, "setup-onboarding-2-campaign")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="LinkedIn account")).to_be_visible()
    page.get_by_label("LinkedIn e-mail").fill("seller@example.com")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_label(re.compile("Use the sandbox")).check()
    page.get_by_role("button", name="Test login").click()
    expect(page.locator("#login-result")).to_contain_text("Wrong password", timeout=60_000)
    screenshot(page, "setup-onboarding-3-wrong-password")
    page.get_by_label("Password").fill("sandbox")
    page.get_by_role("button", name="Test login").click()
    expect(page.locator("#login-result")).to_contain_text("Logged in", timeout=60_000)
    screenshot(page, "setup-onboarding-3-account-ok")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="AI model")).to_be_visible()
    page.get_by_label("API key").fill("sk-stub")
    page.get_by_label("Model").fill("stub-model")
    page.get_by_label("Base URL").fill(llm_settings.url)
    page.get_by_role("button", name="Test", exact=True).click()
    expect(page.locator("#llm-result")).to_contain_text("stub-model answered", timeout=30_000)
    screenshot(page, "setup-onboarding-4-llm")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Legal notice")).to_be_visible()
    page.get_by_label(re.compile("I have read this notice")).check()
    screenshot(page, "setup-onboarding-5-legal")
    page.get_by_role("button", name="Finish and start").click()

    campaign = Campaign.objects.get(team=membership.team)
    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.pk}/$"))
    expect(page.locator("#campaign-status")).to_contain_text("Running")
    screenshot(page, "setup-onboarding-done-campaign")
    membership.refresh_from_db()
    account = LinkedInAccount.objects.get(team=membership.team)
    assert membership.onboarding_done and membership.legal_accepted_at
    assert campaign.active and list(campaign.accounts.all()) == [account]
    assert account.status == "ok" and account.is_sandbox
    assert membership.team.llm_api_key == "sk-stub"


def test_campaign_editor_live_preview_and_save(live_server, login_page, page: Page):
    membership = MembershipFactory()
    campaign = CampaignFactory(team=membership.team, name="Logistics")
    DealFactory(campaign=campaign, lead=EnrichedLeadFactory(team=membership.team, first_name="Grace"))
    LinkedInAccountFactory(team=membership.team, owner=membership.user)
    login_page(membership.user)
    page.goto(f"{live_server.url}/campaigns/")
    screenshot(page, "setup-campaigns-list")
    page.get_by_role("link", name="Logistics", exact=True).click()

    template = page.get_by_label("Follow-up template")
    template.fill("")
    template.press_sequentially("Hi {{ first_name }}, we help {{ headline }}!", delay=5)
    expect(page.locator("#preview")).to_contain_text("Hi Grace, we help Operations Manager at Acme Logistics!")
    template.press_sequentially(" {{ nickname }}", delay=5)
    expect(page.locator("#preview [role=alert]")).to_contain_text("unknown field")
    screenshot(page, "setup-campaign-preview-error")
    template.fill("Hi {{ first_name }}, thanks for connecting.")
    template.press("End")
    expect(page.locator("#preview")).to_contain_text("Hi Grace, thanks for connecting.")

    page.get_by_label("Smallest probability to qualify automatically").fill("0.5")
    page.get_by_role("button", name="Reset to defaults").click()
    expect(page.get_by_label("Smallest probability to qualify automatically")).to_have_value("0.9")
    page.get_by_role("button", name="Start campaign").click()
    expect(page.locator("#campaign-status")).to_contain_text("Link a LinkedIn account")
    page.get_by_label(re.compile("seller")).check()
    screenshot(page, "setup-campaign-editor")
    page.get_by_role("button", name="Save campaign").click()
    expect(page.get_by_text("Campaign saved.")).to_be_visible()
    page.get_by_role("button", name="Start campaign").click()
    expect(page.locator("#campaign-status")).to_contain_text("Running")
    campaign.refresh_from_db()
    assert campaign.active and campaign.followup_template == "Hi {{ first_name }}, thanks for connecting."


def test_pausing_an_account_updates_in_place(live_server, login_page, page: Page):
    membership = MembershipFactory()
    account = LinkedInAccountFactory(team=membership.team, owner=membership.user, username="seller@example.com")
    login_page(membership.user)
    page.goto(f"{live_server.url}/accounts/")
    screenshot(page, "setup-accounts-list")
    page.get_by_role("link", name="seller@example.com").click()
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Pause account").click()
    expect(page.locator("#account-status")).to_contain_text("Paused")
    expect(page.get_by_role("button", name="Resume account")).to_be_focused()  # keyboard users stay put
    assert page.evaluate("window.__noReload") is True  # no full page load happened
    screenshot(page, "setup-account-paused")
    account.refresh_from_db()
    assert not account.active and account.status == "paused"
    page.get_by_role("button", name="Resume account").click()
    expect(page.get_by_role("button", name="Pause account")).to_be_visible()
    account.refresh_from_db()
    assert account.active
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the layout stacks
    screenshot(page, "setup-account-phone")


def test_settings_invite_link(live_server, login_page, page: Page):
    membership = MembershipFactory()
    MembershipFactory(team=membership.team, role="member")
    login_page(membership.user)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("button", name="Create invitation link").click()
    expect(page.locator(".invite-link")).to_have_value(re.compile(r"/signup/\?invite="))
    screenshot(page, "setup-settings")
    assert Membership.objects.filter(team=membership.team).count() == 2


def test_wizard_works_from_the_keyboard_and_enter_means_next(live_server, login_page, page: Page):
    membership = MembershipFactory(onboarding_done=False, onboarding_step=4)
    CampaignFactory(team=membership.team, created_by=membership.user)
    LinkedInAccountFactory(team=membership.team, owner=membership.user)
    login_page(membership.user)
    expect(page).to_have_url(re.compile(r"/onboarding/4/$"))
    page.get_by_label("API key").fill("sk-typed")
    page.get_by_label("Model").fill("gpt-4o-mini")
    page.get_by_label("Model").press("Enter")  # the form's default button is Next, not Skip
    expect(page).to_have_url(re.compile(r"/onboarding/5/$"))
    membership.team.refresh_from_db()
    assert membership.team.llm_api_key == "sk-typed"
    page.get_by_label(re.compile("I have read this notice")).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # Back
    page.keyboard.press("Tab")  # Finish and start
    expect(page.get_by_role("button", name="Finish and start")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#campaign-status")).to_contain_text("Running")
