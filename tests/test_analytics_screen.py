"""The analytics screen in real Chromium: empty state, the Rebuild button's htmx swap, real charts."""

import pytest
from playwright.sync_api import Page, expect

from analytics import tasks
from analytics.build import build
from crm.models import Stage
from tests.conftest import screenshot
from tests.factories import (
    ActivityFactory,
    CampaignFactory,
    DealFactory,
    EnrichedLeadFactory,
    LabelFactory,
    LinkedInAccountFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rebuild_button_queues_a_rebuild_in_place(live_server, login_page, page: Page, settings, tmp_path, monkeypatch):
    settings.ANALYTICS_DUCKDB_PATH = tmp_path / "analytics.duckdb"  # not built yet
    sent = []
    monkeypatch.setattr(tasks.rebuild_analytics, "apply_async", lambda **kw: sent.append(kw))
    tasks._release_pending()
    login_page(MembershipFactory().user)
    page.goto(f"{live_server.url}/analytics/")
    expect(page.get_by_role("heading", name="No analytics yet")).to_be_visible()
    expect(page.get_by_role("link", name="Analytics")).to_have_attribute("aria-current", "page")
    page.get_by_role("button", name="Rebuild").click()
    expect(page.get_by_role("status").filter(has_text="Rebuild queued")).to_be_visible()
    expect(page.get_by_role("button", name="Rebuild")).to_have_count(0)
    assert sent == [{"countdown": 0, "queue": "analytics"}]
    tasks._release_pending()


def test_charts_render_in_the_browser_after_a_real_build(live_server, login_page, page: Page, settings, tmp_path):
    settings.ANALYTICS_DUCKDB_PATH = tmp_path / "analytics.duckdb"
    membership = MembershipFactory()
    team = membership.team
    campaign = CampaignFactory(team=team, name="Browser Campaign")
    account = LinkedInAccountFactory(team=team, username="browser-seller@acme.test")
    for i in range(3):
        lead = EnrichedLeadFactory(team=team, source_campaign=campaign)
        DealFactory(lead=lead, campaign=campaign, stage=Stage.CONNECTED if i else Stage.PENDING)
        ActivityFactory(team=team, lead=lead, campaign=campaign, kind="stage", data={"from": "new", "to": "pending"})
        if i:
            ActivityFactory(team=team, lead=lead, campaign=campaign, kind="stage", data={"to": "connected"})
        ActivityFactory(team=team, account=account, kind="connect")
        LabelFactory(campaign=campaign, lead=lead, source="auto" if i else "human")
    build()
    login_page(membership.user)
    page.goto(f"{live_server.url}/analytics/")
    expect(page.get_by_role("img", name="Funnel of Browser Campaign")).to_be_visible()
    expect(page.get_by_role("img", name="Acceptance rate to date")).to_be_visible()
    expect(page.get_by_role("img", name="Daily actions of browser-seller@acme.test")).to_be_visible()
    expect(page.get_by_role("img", name="Share decided by the model, to date")).to_be_visible()
    expect(page.get_by_text("Acceptance rate: 67%")).to_be_visible()
    screenshot(page, "analytics-screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="campaign_funnel.csv").click()
    assert download.value.suggested_filename == "campaign_funnel.csv"
    assert "Browser Campaign" in download.value.path().read_text()
