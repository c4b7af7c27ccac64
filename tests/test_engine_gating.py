"""Partner (kit) campaigns run with probability action_fraction; regular ones yield to them inversely."""

import random

from outreach.engine.lanes import gate_campaigns
from outreach.models import Campaign


def _share(campaigns, name, n=4000):
    rng = random.Random(3)
    return sum(name in {c.name for c in gate_campaigns(campaigns, rng)} for _ in range(n)) / n


def test_partner_campaigns_run_with_their_action_fraction_and_regular_ones_inversely():
    partner = Campaign(name="kit", is_partner=True, action_fraction=0.3)
    regular = Campaign(name="own", is_partner=False)
    assert abs(_share([partner, regular], "kit") - 0.3) < 0.03
    assert abs(_share([partner, regular], "own") - 0.7) < 0.03


def test_without_a_partner_regular_campaigns_always_run_and_a_full_partner_takes_over():
    regular = Campaign(name="own")
    assert _share([regular], "own") == 1.0
    full = Campaign(name="kit", is_partner=True, action_fraction=1.0)
    assert _share([full, regular], "own") == 0.0 and _share([full, regular], "kit") == 1.0
