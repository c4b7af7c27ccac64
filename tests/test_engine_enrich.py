"""Enrichment of discovered leads: a profile that cannot be read is set aside with its reason and
never blocks the backlog; trouble with the account itself stops the tick instead."""

import pytest

from crm.models import Lead
from outreach.engine.discovery import enrich_backlog, run_enrich
from outreach.linkedin import actions, errors
from tests.factories import LeadFactory, LinkedInAccountFactory

pytestmark = pytest.mark.django_db

PROFILE = {"public_id": "", "first_name": "Ada", "last_name": "L", "headline": "CTO", "positions": []}


@pytest.fixture
def account(settings):
    settings.ENGINE_ENRICH_MIN_INTERVAL = 0
    return LinkedInAccountFactory()


def test_an_unreadable_profile_is_set_aside_and_the_next_one_enriched(account, monkeypatch):
    broken = LeadFactory(team=account.team, public_id="broken")
    fine = LeadFactory(team=account.team, public_id="fine")

    def scrape(session, public_id):
        if public_id == "broken":
            raise errors.ElementMissing("the top card never rendered")
        return {**PROFILE, "public_id": public_id}, {"raw": True}

    monkeypatch.setattr(actions, "scrape_profile", scrape)
    assert run_enrich(session=None, account=account, limit=5) == 2
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.enriched_at is None and broken.enrich_error == "ElementMissing: the top card never rendered"
    assert fine.enriched_at is not None and fine.first_name == "Ada"
    assert list(enrich_backlog(account.team)) == []  # the broken one is not retried every tick


def test_a_rate_limit_stops_enrichment_and_marks_no_profile(account, monkeypatch):
    LeadFactory(team=account.team, public_id="someone")

    def scrape(session, public_id):
        raise errors.RateLimited(retry_after=60)

    monkeypatch.setattr(actions, "scrape_profile", scrape)
    with pytest.raises(errors.RateLimited):
        run_enrich(session=None, account=account, limit=5)
    assert Lead.objects.get(public_id="someone").enrich_error == ""
