import pytest

from crm.models import Activity, Contact, Deal, Stage
from crm.services import (
    TRANSITIONS,
    IllegalTransition,
    can_move,
    deal_backoff,
    deal_move,
    lead_discover,
    lead_enrich,
    lead_qualify,
)
from tests.factories import CampaignFactory, DealFactory, EnrichedLeadFactory, TeamFactory

pytestmark = pytest.mark.django_db

LEGAL = [(frm, to) for frm, tos in TRANSITIONS.items() for to in tos]
ILLEGAL = [(frm, to) for frm in Stage for to in Stage if to not in TRANSITIONS[frm]]


@pytest.mark.parametrize(("frm", "to"), LEGAL)
def test_legal_transition_moves_and_logs_an_activity(frm, to):
    deal = DealFactory(stage=frm)
    deal_move(deal=deal, to=to)
    assert Deal.objects.get(pk=deal.pk).stage == to
    act = Activity.objects.get(kind="stage", lead=deal.lead)
    assert act.data == {"from": frm, "to": to}


@pytest.mark.parametrize(("frm", "to"), ILLEGAL)
def test_illegal_transition_raises_and_changes_nothing(frm, to):
    deal = DealFactory(stage=frm)
    with pytest.raises(IllegalTransition):
        deal_move(deal=deal, to=to)
    assert Deal.objects.get(pk=deal.pk).stage == frm
    assert not Activity.objects.filter(kind="stage").exists()


def test_completed_is_terminal():
    assert not any(can_move(Stage.COMPLETED, to) for to in Stage)


def test_moving_to_pending_starts_a_24h_backoff_that_doubles():
    deal = DealFactory(stage=Stage.NEW)
    deal_move(deal=deal, to=Stage.PENDING)
    assert deal.next_step == {"backoff_hours": 24}
    first = deal.next_action_at
    deal_backoff(deal=deal)
    deal.refresh_from_db()
    assert deal.next_step["backoff_hours"] == 48
    assert deal.next_action_at > first


def test_leaving_pending_clears_the_backoff():
    deal = DealFactory(stage=Stage.NEW)
    deal_move(deal=deal, to=Stage.PENDING)
    deal_move(deal=deal, to=Stage.CONNECTED)
    assert deal.next_step == {}
    assert deal.next_action_at is None


def test_failing_records_the_reason():
    deal = DealFactory(stage=Stage.NEW)
    deal_move(deal=deal, to=Stage.FAILED, reason="profile deleted")
    assert deal.failure_reason == "profile deleted"


def test_discover_is_idempotent_per_team():
    team = TeamFactory()
    lead, created = lead_discover(team=team, public_id="jane", url="https://www.linkedin.com/in/jane/")
    again, created_again = lead_discover(team=team, public_id="jane", url="https://www.linkedin.com/in/jane/")
    assert created and not created_again and lead.pk == again.pk
    other, other_created = lead_discover(team=TeamFactory(), public_id="jane", url="https://x/in/jane/")
    assert other_created and other.pk != lead.pk


def test_enrich_stores_profile_and_company():
    team = TeamFactory()
    lead, _ = lead_discover(team=team, public_id="jane", url="https://www.linkedin.com/in/jane/")
    profile = {
        "first_name": "Jane",
        "last_name": "Doe",
        "headline": "COO",
        "location": "Paris",
        "country_code": "fr",
        "positions": [{"title": "COO", "company_name": "Freight Co"}],
        "connection_degree": 2,
    }
    lead_enrich(lead=lead, profile=profile, raw={"data": {}})
    lead.refresh_from_db()
    assert lead.is_enriched and lead.full_name == "Jane Doe" and lead.company.name == "Freight Co"
    assert lead.raw_voyager == {"data": {}}


def test_qualify_promotes_to_contact_and_one_new_deal():
    campaign = CampaignFactory()
    lead = EnrichedLeadFactory(team=campaign.team)
    d1 = lead_qualify(lead=lead, campaign=campaign, score=0.8)
    d2 = lead_qualify(lead=lead, campaign=campaign, score=0.9)
    assert d1.pk == d2.pk and d2.stage == Stage.NEW
    assert Contact.objects.filter(lead=lead).count() == 1
    assert Deal.objects.get(pk=d1.pk).score == 0.9
