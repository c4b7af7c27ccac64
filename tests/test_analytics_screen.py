"""The analytics screen in real Chromium: empty state, and the Rebuild button's htmx swap."""

import pytest
from playwright.sync_api import Page, expect

from analytics import tasks
from tests.factories import MembershipFactory

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
