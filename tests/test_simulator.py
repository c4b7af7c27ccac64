"""The LinkedIn simulator over HTTP: population, login and cookies, Voyager, search, profile pages."""

import re

import httpx
import pytest

from outreach.linkedin.voyager import parse_profile
from outreach.simulator.population import build_population, matches
from outreach.simulator.server import SimServer
from tests.fixtures_sim import csrf_headers, sim_login

PROFILES = "/voyager/api/identity/dash/profiles"


def voyager_get(client: httpx.Client, identity: str, headers: dict | None = None) -> httpx.Response:
    params = {"q": "memberIdentity", "memberIdentity": identity, "decorationId": "FullProfileWithEntities-91"}
    return client.get(PROFILES, params=params, headers=csrf_headers(client) if headers is None else headers)


def top_card(page_html: str) -> str:
    start = page_html.index("<section")
    assert 'componentkey="com.linkedin.sdui.profile.card.ref' in page_html[start : start + 200]
    assert page_html[start : start + 200].split('"')[1].endswith("Topcard"), "the top card is the first section"
    card = page_html[start : page_html.index("</section>", start)]
    return re.sub(r'<div data-display-contents="true"><p>[^<]*</p></div>', "", card)  # the decoy degree label


# --- population --------------------------------------------------------------------------------
def test_population_is_deterministic_by_seed():
    first, again, other = build_population(42, 300), build_population(42, 300), build_population(7, 300)
    assert first == again
    assert list(first) != list(other)
    assert len(first) == 300 and len({p["member_id"] for p in first.values()}) == 300


def test_population_has_every_top_card_state_and_enough_b2b_leads():
    people = build_population(42, 300).values()
    assert {p["layout"] for p in people} == {"connect", "more", "creator", "follow_only"}
    assert {p["initial"] for p in people} == {"none", "connected", "pending"}
    for keyword in ("cto", "founder", "marketing", "saas", "data", "vp sales"):
        assert sum(matches(p, keyword) for p in people) >= 12, keyword
    assert not any(matches(p, "cto") and "director" in p["headline"].lower().split() for p in people)


# --- login, cookies, authwall, checkpoint ----------------------------------------------------------
def test_login_sets_httponly_li_at_and_quoted_jsessionid(sim):
    client = httpx.Client(base_url=sim.url)
    response = client.post("/uas/login-submit", data={"session_key": "Ann@Example.com", "session_password": "sandbox"})
    assert response.status_code == 303 and response.headers["location"] == "/feed/"
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    assert "HttpOnly" in cookies["li_at"]
    assert re.match(r'JSESSIONID="ajax:\d{19}";', cookies["JSESSIONID"])
    assert "HttpOnly" not in cookies["JSESSIONID"]  # LinkedIn's page script reads it for the csrf header
    assert "ann@example.com" in sim.state.accounts
    feed = client.get("/feed/")
    assert feed.status_code == 200 and "Welcome, Ann!" in feed.text


def test_wrong_password_shows_the_error_and_sets_no_session(sim):
    sim.add_account("owner@example.com", "s3cret")
    client = httpx.Client(base_url=sim.url)
    wrong = client.post("/uas/login-submit", data={"session_key": "owner@example.com", "session_password": "sandbox"})
    assert wrong.status_code == 200 and 'id="error-for-password"' in wrong.text
    assert "Wrong email or password" in wrong.text and "li_at" not in client.cookies
    empty = client.post("/uas/login-submit", data={"session_key": "", "session_password": ""})
    assert "Please enter an email address and a password." in empty.text
    right = client.post("/uas/login-submit", data={"session_key": "owner@example.com", "session_password": "s3cret"})
    assert right.headers["location"] == "/feed/"


def test_login_page_has_the_real_form_fields(sim):
    page = httpx.get(sim.url + "/login").text
    for needle in ('input id="username"', 'input id="password"', 'button class="btn__primary--large" type="submit"'):
        assert needle in page


def test_logged_out_visitor_is_sent_to_the_authwall_and_back_after_login(sim):
    client = httpx.Client(base_url=sim.url)
    person = sim.people_where(layout="connect", initial="none")[0]
    response = client.get(f"/in/{person['public_id']}/")
    assert response.status_code == 303 and response.headers["location"].startswith("/authwall?")
    wall = client.get(response.headers["location"])
    assert "Join LinkedIn" in wall.text and "session_redirect" in wall.text
    login = client.post(
        "/uas/login-submit",
        data={
            "session_key": "a@b.co",
            "session_password": "sandbox",
            "session_redirect": f"/in/{person['public_id']}/",
        },
    )
    assert login.headers["location"] == f"/in/{person['public_id']}/"


def test_checkpoint_fault_sends_login_to_a_challenge_without_a_session(sim):
    sim.set_fault("checkpoint")
    client = httpx.Client(base_url=sim.url)
    response = client.post("/uas/login-submit", data={"session_key": "a@b.co", "session_password": "sandbox"})
    assert re.match(r"^/checkpoint/challenge/[\w-]+\?", response.headers["location"])
    assert "li_at" not in client.cookies
    challenge = client.get(response.headers["location"])
    assert "quick security check" in challenge.text and 'id="input__email_verification_pin"' in challenge.text
    still = client.post(response.headers["location"].split("?")[0], data={"pin": "123456"})
    assert "Please try again" in still.text
    sim.clear_faults()  # the user solved it by hand
    solved = client.post(response.headers["location"].split("?")[0], data={"pin": "123456"})
    assert solved.headers["location"] == "/feed/" and "li_at" in client.cookies


# --- Voyager -----------------------------------------------------------------------------------
def test_voyager_requires_the_csrf_header_and_a_session(sim):
    client = sim_login(sim)
    person = next(iter(sim.state.people))
    assert voyager_get(client, person, headers={}).status_code == 403
    denied = voyager_get(client, person, headers={"csrf-token": "ajax:0"})
    assert denied.status_code == 403 and denied.json() == {"status": 403}
    anonymous = httpx.Client(base_url=sim.url, cookies={"JSESSIONID": '"ajax:123"'})
    assert voyager_get(anonymous, person, headers={"csrf-token": "ajax:123"}).status_code == 401
    assert voyager_get(client, "nobody-here").status_code == 404
    assert voyager_get(client, person).status_code == 200


def test_voyager_response_has_the_real_shape_and_parses_to_the_person(sim):
    client = sim_login(sim)
    person = sim.people_where(initial="none")[0]
    data = voyager_get(client, person["public_id"]).json()
    assert data["data"]["*elements"] == [person["urn"]]
    types = {e["$type"].rsplit(".", 1)[-1] for e in data["included"]}
    expected = {"Profile", "Position", "PositionGroup", "Education", "Company", "School", "Geo", "Industry"}
    assert expected | {"MemberRelationship", "CollectionResponse"} <= types
    profiles = [e for e in data["included"] if e["$type"].endswith(".Profile")]
    viewer = sim.state.accounts["sales@example.com"].viewer
    assert {p["publicIdentifier"] for p in profiles} == {person["public_id"], viewer["public_id"]}
    parsed = parse_profile(data)
    assert parsed["public_id"] == person["public_id"] and parsed["urn"] == person["urn"]
    for key in ("first_name", "last_name", "headline", "summary", "location", "industry", "skills"):
        assert parsed[key] == person[key], key
    assert parsed["country_code"] == person["country_code"].upper()
    assert parsed["connection_degree"] == person["connection_degree"]
    assert [(p["title"], p["company_name"], p["company_urn"]) for p in parsed["positions"]] == [
        (p["title"], p["company_name"], p["company_urn"]) for p in person["positions"]
    ]
    assert parsed["positions"][0]["end"] is None
    assert parsed["positions"][1]["start"] == "{year:04d}-{month:02d}".format(**person["positions"][1]["start"])
    assert [e["school_name"] for e in parsed["educations"]] == [e["school_name"] for e in person["educations"]]


def test_voyager_degree_follows_the_accounts_relationship(sim):
    client = sim_login(sim)
    connected = sim.people_where(initial="connected")[0]["public_id"]
    pending = sim.people_where(initial="pending")[0]["public_id"]
    assert parse_profile(voyager_get(client, connected).json())["connection_degree"] == 1
    pending_data = voyager_get(client, pending).json()
    relation = next(e for e in pending_data["included"] if e["$type"].endswith("MemberRelationship"))
    assert "*invitation" in relation["memberRelationshipUnion"]["noConnection"]["invitationUnion"]
    member_id = sim.state.people[pending]["member_id"]
    assert voyager_get(client, member_id).json()["data"]["*elements"] == [sim.state.people[pending]["urn"]]


# --- search ------------------------------------------------------------------------------------
def result_ids(page_html: str) -> list[str]:
    return re.findall(
        r'<li class="reusable-search__result-container"><div><a href="[^"]*/in/([^/]+)/\?miniProfileUrn=', page_html
    )


def test_search_paginates_ten_matching_people_per_page(sim):
    client = sim_login(sim)
    total = sum(matches(p, "marketing") for p in sim.state.people.values())
    seen = []
    for page in range(1, 4):
        html = client.get("/search/results/people/", params={"keywords": "marketing", "page": page}).text
        ids = result_ids(html)
        assert len(ids) == 10 and 'aria-label="Next"' in html and f'aria-label="Page {page}" ' in html
        assert all(matches(sim.state.people[i], "marketing") for i in ids)
        seen += ids
    assert len(set(seen)) == 30 and total >= 30
    last = -(-total // 10)
    beyond = client.get("/search/results/people/", params={"keywords": "marketing", "page": last + 1}).text
    assert result_ids(beyond) == [] and "No results found" in beyond
    assert result_ids(client.get("/search/results/people/", params={"keywords": "zzzqx"}).text) == []


def test_multi_word_search_ranks_full_matches_first_and_tolerates_loose_queries(sim):
    client = sim_login(sim)
    ids = result_ids(client.get("/search/results/people/", params={"keywords": "VP of Marketing SaaS"}).text)
    assert len(ids) == 10 and matches(sim.state.people[ids[0]], "vp marketing saas")
    loose = result_ids(client.get("/search/results/people/", params={"keywords": "growth fintech Berlin"}).text)
    assert loose and all(
        matches(sim.state.people[i], "growth") or matches(sim.state.people[i], "berlin") for i in loose
    )


def test_search_results_are_the_same_for_the_same_seed():
    pages = []
    for seed in (42, 42, 5):
        with SimServer(seed=seed) as server:
            pages.append(result_ids(sim_login(server).get("/search/results/people/?keywords=founder&page=2").text))
    assert pages[0] == pages[1] and pages[0] != pages[2]


# --- profile pages -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("layout", "initial", "present", "absent"),
    [
        ("connect", "none", ['role="button" tabindex="0" aria-label="Invite {name} to connect"', "· 2nd|· 3rd"],
         ["Pending, click", "· 1st"]),
        ("more", "none", ['aria-label="Follow {name}"', 'aria-label="More actions"'],
         ["Invite ", "/messaging/compose"]),
        ("creator", "none", ['aria-label="Follow {name}"', "/messaging/compose/?profileUrn="], ["Invite "]),
        (None, "pending", ['aria-label="Pending, click to withdraw invitation sent to {name}"'], ["Invite "]),
        (None, "connected", ["· 1st", 'aria-label="Message" aria-disabled="false" href="/messaging/compose/'],
         ["Invite ", "Pending"]),
    ],
)  # fmt: skip
def test_profile_top_card_per_state(sim, layout, initial, present, absent):
    person = sim.people_where(layout=layout, initial=initial)[0]
    name = f"{person['first_name']} {person['last_name']}"
    page = sim_login(sim).get(f"/in/{person['public_id']}/").text
    card = top_card(page)
    assert f"<h1>{name}</h1>" in card.replace("&#x27;", "'")
    for needle in present:
        assert any(n.format(name=name) in card for n in needle.split("|")), needle
    for needle in absent:
        assert needle.format(name=name) not in card, needle
    assert "Browsemap" in page[page.index("</section>") :] and "People also viewed" in page


def test_name_row_carries_a_wrapped_decoy_degree_like_linkedin(sim):
    client = sim_login(sim)
    stranger = client.get(f"/in/{sim.people_where(initial='none')[0]['public_id']}/").text
    friend = client.get(f"/in/{sim.people_where(initial='connected')[0]['public_id']}/").text
    assert '<div data-display-contents="true"><p>· 1st</p></div><p>· ' in stranger
    assert '<div data-display-contents="true"><p>· 2nd</p></div><p>· 1st</p>' in friend


def test_connect_under_more_lives_in_the_menu_template_at_the_end_of_body(sim):
    person = sim.people_where(layout="more", initial="none")[0]
    page = sim_login(sim).get(f"/in/{person['public_id']}/").text
    menu = page[page.index('<template id="sim-more-menu">') :]
    assert page.index("</main>") < page.index('<template id="sim-more-menu">')
    assert f'<div aria-label="Invite {person["first_name"]} {person["last_name"]} to connect">' in menu
    assert 'role="menu"' in menu and 'role="menuitem"' in menu


def test_own_profile_and_unknown_profiles(sim):
    client = sim_login(sim)
    me = client.get("/in/me/")
    viewer = sim.state.accounts["sales@example.com"].viewer
    assert me.headers["location"] == f"/in/{viewer['public_id']}/"
    own = client.get(me.headers["location"]).text
    assert "Invite " not in top_card(own) and "More actions" not in top_card(own)
    assert client.get("/in/no-such-person/").status_code == 404


def test_voyager_me_names_the_logged_in_account(sim):
    client = sim_login(sim, "Grace.Hopper@example.com")
    me = client.get("/voyager/api/me", headers=csrf_headers(client)).json()
    (profile,) = me["included"]
    assert (profile["firstName"], profile["lastName"]) == ("Grace", "Hopper")
    assert me["data"]["*miniProfile"] == profile["entityUrn"]
