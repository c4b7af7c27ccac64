"""The analytics marts built by dbt from a factory-filled database, and the screen that shows them.

One dbt build (models + schema tests) serves the whole module: the data is committed outside the
per-test transactions so the dbt subprocess sees it, and removed at the end. Every expected number
below is counted by hand from the story in `world()`.
"""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from analytics.build import build
from analytics.store import team_table
from crm.models import Stage, Team
from tests.factories import (
    ActivityFactory,
    CampaignFactory,
    DealFactory,
    EnrichedLeadFactory,
    LabelFactory,
    LeadFactory,
    LinkedInAccountFactory,
    MembershipFactory,
    MessageFactory,
)

# Every test in one pytest-django group, so the tests stay together and the module's build runs once.
pytestmark = pytest.mark.django_db

TODAY = datetime.now(UTC).date()


def day(k: int) -> date:
    return TODAY - timedelta(days=k)


def at(k: int, hour: int = 12) -> datetime:
    return datetime.combine(day(k), time(hour), tzinfo=UTC)


D1, D2, D3, D4, D5, D6 = 9, 8, 7, 6, 5, 4  # days ago

RICH_PROFILE = {
    "headline": "Head of Operations at Acme Logistics",
    "summary": "Ten years in freight.",
    "industry": "Logistics",
    "location": "Berlin, Germany",
    "country_code": "de",
    "positions": [
        {
            "title": "Head of Operations",
            "company_name": "Acme Logistics",
            "start": "2020-03",
            "end": None,
            "description": "Runs the warehouse network",
        },
        {"title": "Operations Manager", "company_name": "Beta Freight", "start": "2015-01", "end": "2020-02"},
        {"title": "Analyst", "company_name": "beta freight", "start": {"year": 2012, "month": 6}, "end": "2014-12"},
    ],
    "educations": [
        {
            "school_name": "TU Berlin",
            "degree": "Master of Science",
            "field_of_study": "Logistics",
            "start": "2010",
            "end": "2012",
        },
        {
            "school_name": "Uni Hamburg",
            "degree": "Bachelor of Arts",
            "field_of_study": "Economics",
            "start": "2007",
            "end": "2010",
        },
    ],
    "skills": ["Logistics", "SAP"],
    "connection_degree": 2,
}
FOUNDER_PROFILE = {
    "headline": "Founder & CEO at Startup",
    "positions": [{"title": "Founder & CEO", "company_name": "Startup", "start": "2019", "end": None}],
    "educations": [],
    "skills": [],
}


def stage_event(lead, campaign, frm: str, to: str, when: datetime) -> None:
    ActivityFactory(
        team=lead.team, lead=lead, campaign=campaign, kind="stage", data={"from": frm, "to": to}, created_at=when
    )


def lead_in(campaign, discovered: int, enriched: int | None, **kw):
    factory = EnrichedLeadFactory if enriched is not None else LeadFactory
    extra = {"enriched_at": at(enriched)} if enriched is not None else {}
    return factory(team=campaign.team, source_campaign=campaign, discovered_at=at(discovered), **extra, **kw)


def world() -> dict:
    """Team A's campaign story (see the module docstring of each expectation) and an outsider team."""
    owner = MembershipFactory().user
    team = owner.membership.team
    camp = CampaignFactory(team=team, name="Logistics DACH", check_pending_after_hours=24)
    acc = LinkedInAccountFactory(
        team=team,
        username="seller@acme.test",
        connect_daily_limit=20,
        connect_weekly_limit=100,
        followup_daily_limit=30,
    )
    l1 = lead_in(camp, D1, D1, headline=RICH_PROFILE["headline"], connection_degree=2)
    l1.profile = RICH_PROFILE
    l1.save()
    l2 = lead_in(camp, D1, D2, headline=FOUNDER_PROFILE["headline"])
    l2.profile = FOUNDER_PROFILE
    l2.save()
    l3, l4 = lead_in(camp, D1, D2), lead_in(camp, D1, D2)
    lead_in(camp, D2, None)  # L5: discovered, never enriched
    l6, l7 = lead_in(camp, D2, D3), lead_in(camp, D2, D3)
    l9 = EnrichedLeadFactory(team=team)  # labelled in the campaign, found elsewhere
    invite_l4 = datetime.now(UTC) - timedelta(hours=1)
    deals = {
        "l1": DealFactory(lead=l1, campaign=camp, stage=Stage.CONNECTED, created_at=at(D2)),
        "l2": DealFactory(lead=l2, campaign=camp, stage=Stage.PENDING, created_at=at(D2), stage_changed_at=at(D3)),
        "l3": DealFactory(lead=l3, campaign=camp, stage=Stage.COMPLETED, created_at=at(D2)),
        "l4": DealFactory(lead=l4, campaign=camp, stage=Stage.PENDING, created_at=at(D2), stage_changed_at=invite_l4),
        "l6": DealFactory(lead=l6, campaign=camp, stage=Stage.FAILED, created_at=at(D3)),
        "l7": DealFactory(lead=l7, campaign=camp, stage=Stage.NEW, created_at=at(D3)),
    }
    for lead in (l1, l2, l3, l6):
        stage_event(lead, camp, "new", "pending", at(D3))
    stage_event(l3, camp, "pending", "connected", at(D4))
    stage_event(l1, camp, "pending", "connected", at(D5))
    stage_event(l3, camp, "connected", "completed", at(D6))
    stage_event(l6, camp, "pending", "failed", at(D4))
    stage_event(l4, camp, "new", "pending", invite_l4)
    MessageFactory(
        lead=l3, campaign=camp, account=acc, direction="out", status="sent", sent_at=at(D4), created_at=at(D4)
    )
    MessageFactory(
        lead=l1, campaign=camp, account=acc, direction="out", status="sent", sent_at=at(D5), created_at=at(D5)
    )
    MessageFactory(lead=l1, campaign=camp, account=acc, direction="in", status="received", created_at=at(D6))
    MessageFactory(lead=l2, campaign=camp, account=acc, direction="out", status="awaiting_approval", created_at=at(D5))
    # Account actions: 4 connects a week before D3 fall out of D3's 7-day window.
    for k, kind, result, n in [
        (D3 + 7, "connect", "ok", 4),
        (D3, "connect", "ok", 3),
        (D3, "connect", "failed", 1),
        (D3, "scrape", "ok", 2),
        (D3, "stage", "ok", 2),  # bookkeeping, not a LinkedIn action
        (D4, "connect", "ok", 2),
        (D4, "message", "ok", 1),
        (D5, "message", "ok", 1),
        (D5, "search", "ok", 1),
        (D5, "login", "ok", 1),
    ]:
        for _ in range(n):
            ActivityFactory(team=team, account=acc, kind=kind, result=result, created_at=at(k))
    for lead, source, qualified, k in [
        (l1, "auto", True, D2),
        (l2, "auto", True, D2),
        (l3, "llm", True, D2),
        (l4, "human", True, D2),
        (l6, "auto", True, D3),
        (l7, "human", True, D3),
        (l9, "auto", False, D3),
    ]:
        LabelFactory(campaign=camp, lead=lead, source=source, qualified=qualified, created_at=at(k))
    # Another team, with a campaign, an account, an invited deal, activity and labels of its own.
    outsider = MembershipFactory().user
    other = outsider.membership.team
    ocamp = CampaignFactory(team=other, name="Secret Other Campaign")
    oacc = LinkedInAccountFactory(team=other, username="other-seller@rival.test")
    olead = lead_in(ocamp, D1, D1)
    DealFactory(lead=olead, campaign=ocamp, stage=Stage.CONNECTED, created_at=at(D2))
    stage_event(olead, ocamp, "new", "pending", at(D3))
    stage_event(olead, ocamp, "pending", "connected", at(D4))
    ActivityFactory(team=other, account=oacc, kind="connect", created_at=at(D3))
    LabelFactory(campaign=ocamp, lead=olead, source="auto", created_at=at(D2))
    return {
        "owner": owner,
        "team": team,
        "campaign": camp,
        "account": acc,
        "leads": {"l1": l1, "l2": l2, "l3": l3, "l4": l4, "l9": l9},
        "deals": deals,
        "invite_l4_day": invite_l4.date(),
        "outsider": outsider,
        "other_team": other,
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        w = world()
        result = build(test=True)  # dbt build: every model, then every schema test
    yield w, result
    with django_db_blocker.unblock():
        Team.objects.filter(pk__in=[w["team"].pk, w["other_team"].pk]).delete()
        User.objects.filter(pk__in=[w["owner"].pk, w["outsider"].pk]).delete()


def body_of(response) -> str:
    assert response.streaming  # the CSV streams: a large mart is never built in memory
    return b"".join(response.streaming_content).decode()


def rows(mart: str, team) -> list[dict]:
    return team_table(mart, team.pk).dicts()


def test_dbt_build_runs_models_and_schema_tests(built):
    _, result = built
    assert result.command == "build"
    assert "ERROR=0" in result.output
    assert "PASS=" in result.output and "data tests" in result.output
    assert result.path.exists()


def test_campaign_funnel_counts_each_lead_once_per_step_by_day(built):
    w, _ = built
    by_day = {r["day"]: r for r in rows("campaign_funnel", w["team"])}
    steps = ("discovered", "enriched", "qualified", "invited", "accepted", "messaged", "replied")
    expected = {
        day(D1): (4, 1, 0, 0, 0, 0, 0),
        day(D2): (3, 3, 4, 0, 0, 0, 0),
        day(D3): (0, 2, 2, 4, 0, 0, 0),
        day(D4): (0, 0, 0, 0, 1, 1, 0),
        day(D5): (0, 0, 0, 0, 1, 1, 0),
        day(D6): (0, 0, 0, 0, 0, 0, 1),
        w["invite_l4_day"]: (0, 0, 0, 1, 0, 0, 0),
    }
    assert {d: tuple(r[s] for s in steps) for d, r in by_day.items()} == expected
    d6 = by_day[day(D6)]
    assert [d6[f"{s}_to_date"] for s in steps] == [7, 6, 6, 4, 2, 2, 1]
    assert d6["enrich_rate"] == pytest.approx(0.8571)
    assert d6["qualify_rate"] == 1.0
    assert d6["acceptance_rate"] == 0.5
    assert d6["reply_rate"] == 0.5
    last = by_day[w["invite_l4_day"]]
    assert last["invited_to_date"] == 5
    assert last["acceptance_rate"] == 0.4
    assert by_day[day(D1)]["acceptance_rate"] is None  # nobody invited yet: no rate, not 0
    assert {r["campaign_name"] for r in by_day.values()} == {"Logistics DACH"}


def test_ml_connection_accepted_targets_and_exclusions(built):
    w, _ = built
    got = {r["lead_id"]: r for r in rows("ml_connection_accepted", w["team"])}
    leads = w["leads"]
    # L1 connected and L3 completed: 1; L2 pending for a week (> 24 h window): 0. Left out: L4
    # (invited an hour ago), L6 (failed), L7 (never invited), L5 (no deal).
    assert {lid: r["target"] for lid, r in got.items()} == {leads["l1"].pk: 1, leads["l2"].pk: 0, leads["l3"].pk: 1}
    assert got[leads["l2"].pk]["stage"] == "pending"
    assert got[leads["l1"].pk]["deal_id"] == w["deals"]["l1"].pk


def test_ml_features_of_a_rich_profile(built):
    w, _ = built
    r = next(r for r in rows("ml_connection_accepted", w["team"]) if r["lead_id"] == w["leads"]["l1"].pk)

    def months(y: int, m: int, to: date = TODAY) -> int:
        return (to.year - y) * 12 + to.month - m

    durations = [months(2020, 3), months(2015, 1, date(2020, 2, 1)), months(2012, 6, date(2014, 12, 1))]
    assert durations[1:] == [61, 30]
    assert r["connection_degree"] == 2
    assert r["headline_words"] == 6
    assert r["summary_chars"] == len("Ten years in freight.")
    assert r["n_skills"] == 2
    assert (r["n_positions"], r["n_current_positions"], r["n_companies"]) == (3, 1, 2)
    assert r["total_position_months"] == sum(durations)
    assert r["avg_position_months"] == pytest.approx(round(sum(durations) / 3, 2))
    assert r["max_position_months"] == max(durations)
    assert r["current_tenure_months"] == durations[0]
    assert r["career_years"] == TODAY.year - 2012
    assert (r["n_educations"], r["has_bachelor"], r["has_master"], r["has_phd"]) == (2, 1, 1, 0)
    assert r["education_years"] == 5
    assert r["years_since_graduation"] == TODAY.year - 2012
    assert r["seniority_level"] == 4  # "head of"
    assert (r["is_manager"], r["is_founder"], r["is_c_level"], r["is_technical"]) == (1, 0, 0, 0)
    assert (r["industry"], r["geo_country"]) == ("Logistics", "de")
    for part in (
        "Head of Operations at Acme Logistics Runs the warehouse network",
        "Master of Science Logistics at TU Berlin",
        "Logistics, SAP",
        "Ten years in freight.",
    ):
        assert part in r["profile_text"]


def test_ml_features_of_a_founder_and_a_bare_profile(built):
    w, _ = built
    got = {r["lead_id"]: r for r in rows("ml_connection_accepted", w["team"])}
    founder, bare = got[w["leads"]["l2"].pk], got[w["leads"]["l3"].pk]
    assert (founder["seniority_level"], founder["is_founder"], founder["is_c_level"]) == (5, 1, 1)
    assert (founder["n_positions"], founder["n_educations"], founder["n_skills"]) == (1, 0, 0)
    assert founder["career_years"] == TODAY.year - 2019
    assert founder["years_since_graduation"] is None
    # The factory's profile: one undated "Operations Manager" position.
    assert (bare["seniority_level"], bare["is_manager"], bare["n_positions"], bare["total_position_months"]) == (
        3,
        1,
        1,
        0,
    )
    # 25 mechanical features + ids/target/text columns
    feature_cols = set(founder) - {
        "deal_id",
        "team_id",
        "lead_id",
        "campaign_id",
        "stage",
        "invited_at",
        "target",
        "industry",
        "geo_name",
        "geo_country",
        "profile_text",
    }
    assert len(feature_cols) == 25


def test_account_activity_per_day_against_limits(built):
    w, _ = built
    by_day = {r["day"]: r for r in rows("account_activity", w["team"])}
    assert set(by_day) == {day(D3 + 7), day(D3), day(D4), day(D5)}
    d3, d4, d5 = by_day[day(D3)], by_day[day(D4)], by_day[day(D5)]
    assert (d3["connects"], d3["failed"], d3["scrapes"], d3["total_actions"]) == (3, 1, 2, 6)
    assert d3["connects_7d"] == 3  # the 4 connects 7 days earlier are outside the window
    assert d3["connect_limit_used"] == 0.15
    assert (d4["connects"], d4["messages"], d4["connects_7d"]) == (2, 1, 5)
    assert d4["followup_limit_used"] == pytest.approx(0.0333)
    assert (d5["messages"], d5["searches"], d5["logins"], d5["total_actions"], d5["connects_7d"]) == (1, 1, 1, 3, 5)
    assert d5["weekly_limit_used"] == 0.05
    assert (d5["connect_daily_limit"], d5["followup_daily_limit"], d5["connect_weekly_limit"]) == (20, 30, 100)
    assert d5["username"] == "seller@acme.test"


def test_qualifier_daily_labels_by_source_and_model_share(built):
    w, _ = built
    by_day = {r["day"]: r for r in rows("qualifier_daily", w["team"])}
    d2, d3 = by_day[day(D2)], by_day[day(D3)]
    assert (d2["labels"], d2["auto_labels"], d2["llm_labels"], d2["human_labels"], d2["qualified"]) == (4, 2, 1, 1, 4)
    assert (d2["auto_share"], d2["auto_share_to_date"]) == (0.5, 0.5)
    assert (d3["labels"], d3["auto_labels"], d3["human_labels"], d3["disqualified"]) == (3, 2, 1, 1)
    assert d3["auto_share"] == pytest.approx(0.6667)
    assert d3["auto_share_to_date"] == pytest.approx(0.5714)


def test_marts_hold_only_the_team_rows_asked_for(built):
    w, _ = built
    for mart in ("campaign_funnel", "account_activity", "qualifier_daily", "ml_connection_accepted"):
        mine, theirs = rows(mart, w["team"]), rows(mart, w["other_team"])
        assert mine and theirs
        assert {r["team_id"] for r in mine} == {w["team"].pk}
        assert {r["team_id"] for r in theirs} == {w["other_team"].pk}


def test_screen_draws_funnel_rate_activity_and_qualifier_charts(built):
    w, _ = built
    client = Client()
    client.force_login(w["owner"])
    html = client.get("/analytics/").content.decode()
    assert html.count('class="chart chart-funnel"') == 1
    assert (
        'aria-label="Funnel of Logistics DACH: Discovered 7, Enriched 6, Qualified 6, Invited 5, '
        'Accepted 2, Messaged 2, Replied 1"' in html
    )
    assert "Acceptance rate to date. Logistics DACH: latest 40%" in html
    assert "Reply rate to date. Logistics DACH: latest 50%" in html
    assert "Daily actions of seller@acme.test" in html
    assert f"<title>{day(D3):%Y-%m-%d} · connects: 3</title>" in html
    assert 'class="limit"' in html and "connect limit: 20" in html
    assert "Share decided by the model, to date. Logistics DACH: latest 57%" in html
    assert "Acceptance rate: <strong>40%</strong>" in html
    assert "Newer activity since" not in html  # all activity predates the build
    assert "Secret Other Campaign" not in html and "other-seller@rival.test" not in html
    for mart in ("campaign_funnel", "account_activity", "qualifier_daily", "ml_connection_accepted"):
        assert f'href="/analytics/{mart}.csv"' in html


def test_csv_download_of_each_mart_has_the_team_rows(built):
    w, _ = built
    client = Client()
    client.force_login(w["owner"])
    response = client.get("/analytics/campaign_funnel.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="campaign_funnel.csv"' in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(body_of(response))))
    assert len(table) == 7 and {r["campaign_name"] for r in table} == {"Logistics DACH"}
    ml = list(csv.DictReader(io.StringIO(body_of(client.get("/analytics/ml_connection_accepted.csv")))))
    assert sorted(r["target"] for r in ml) == ["0", "1", "1"]
    for mart in ("account_activity", "qualifier_daily"):
        body = body_of(client.get(f"/analytics/{mart}.csv"))
        assert "Secret Other Campaign" not in body and "other-seller@rival.test" not in body
        assert len(body.strip().splitlines()) > 1
    assert client.get("/analytics/crm_lead.csv").status_code == 404  # only marts, never source tables


def test_outsider_sees_only_their_own_team(built):
    w, _ = built
    client = Client()
    client.force_login(w["outsider"])
    html = client.get("/analytics/").content.decode()
    assert "Secret Other Campaign" in html
    assert "Logistics DACH" not in html and "seller@acme.test" not in html.replace("other-seller@rival.test", "")
    body = body_of(client.get("/analytics/campaign_funnel.csv"))
    assert "Logistics DACH" not in body and "Secret Other Campaign" in body


def test_screen_requires_login(built):
    response = Client().get("/analytics/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Client().get("/analytics/campaign_funnel.csv").status_code == 302
