"""The simulator's behaviour over time: invitations, messages and replies, faults, control API, command."""

import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.core.management import CommandError, call_command

from outreach.linkedin.voyager import VoyagerParseError, parse_profile
from outreach.simulator.server import SimServer
from tests.fixtures_sim import csrf_headers, sim_login

INVITE = "/voyager/api/voyagerRelationshipsDashMemberRelationships"
MESSAGE = "/voyager/api/voyagerMessagingDashMessengerMessages?action=createMessage"
EMAIL = "sales@example.com"


def invite(client: httpx.Client, public_id: str) -> httpx.Response:
    body = {"invitee": {"inviteeUnion": {"memberProfile": public_id}}, "customMessage": None}
    return client.post(f"{INVITE}?action=verifyQuotaAndCreateV2", json=body, headers=csrf_headers(client))


def send(client: httpx.Client, public_id: str, text: str) -> httpx.Response:
    return client.post(MESSAGE, json={"recipient": public_id, "body": {"text": text}}, headers=csrf_headers(client))


def strangers(sim: SimServer, n: int) -> list[str]:
    return [p["public_id"] for p in sim.people_where(initial="none")[:n]]


def thread_events(client: httpx.Client, public_id: str) -> list[tuple[str, str]]:
    html = client.get(f"/messaging/thread/{public_id}/").text
    pattern = r'data-sender="(me|them)"><p class="msg-s-event-listitem__body">([^<]*)</p>'
    return re.findall(pattern, html)


# --- invitations -------------------------------------------------------------------------------
def test_invitation_is_pending_until_the_delay_then_accepted(sim):
    sim.state.config["accept_after_seconds"] = 0.4
    client = sim_login(sim)
    target = strangers(sim, 1)[0]
    assert invite(client, target).json() == {"value": {"outcome": "SENT"}}
    account = sim.state.accounts[EMAIL]
    assert target in account.invitations and target not in account.connections
    assert invite(client, target).json() == {"value": {"outcome": "PENDING"}}
    time.sleep(0.5)
    assert target in account.connections and target not in account.invitations
    assert parse_profile(client.get(
        "/voyager/api/identity/dash/profiles", params={"q": "memberIdentity", "memberIdentity": target},
        headers=csrf_headers(client)).json())["connection_degree"] == 1  # fmt: skip


def test_accept_probability_decides_deterministically_who_accepts():
    accepted = []
    for _ in range(2):
        with SimServer(accept_probability=0.5) as server:
            client = sim_login(server)
            targets = strangers(server, 40)
            for target in targets:
                invite(client, target)
            accepted.append(server.state.accounts[EMAIL].connections & set(targets))
    assert accepted[0] == accepted[1]
    assert 8 <= len(accepted[0]) <= 32


def test_concurrent_requests_of_one_account_are_all_recorded(sim):
    sim.state.config["accept_after_seconds"] = 0.05
    client = sim_login(sim)
    targets = strangers(sim, 24)
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda pid: invite(client, pid).json()["value"]["outcome"], targets))
        list(pool.map(lambda pid: client.get(f"/in/{pid}/").status_code, targets))
    assert outcomes == ["SENT"] * 24
    time.sleep(0.1)
    assert set(targets) <= sim.state.accounts[EMAIL].connections


def test_no_one_accepts_with_probability_zero(sim):
    sim.state.config["accept_probability"] = 0.0
    client = sim_login(sim)
    targets = strangers(sim, 5)
    for target in targets:
        invite(client, target)
    assert set(targets) <= sim.state.accounts[EMAIL].invitations


def test_each_account_keeps_its_own_relationships(sim):
    alice, bob = sim_login(sim, "alice@example.com"), sim_login(sim, "bob@example.com")
    target = strangers(sim, 1)[0]
    invite(alice, target)
    assert target in sim.state.accounts["alice@example.com"].connections
    assert target not in sim.state.accounts["bob@example.com"].connections
    assert "Invite " in bob.get(f"/in/{target}/").text.split("</section>")[0]
    seeded = sim.people_where(initial="pending")[0]["public_id"]
    assert seeded in sim.state.accounts["bob@example.com"].invitations  # the population's pending ones stay pending


def test_withdrawing_an_invitation_forgets_it(sim):
    sim.state.config["accept_probability"] = 0.0
    client = sim_login(sim)
    target = strangers(sim, 1)[0]
    invite(client, target)
    client.post(f"{INVITE}?action=withdraw", json={"invitee": target}, headers=csrf_headers(client))
    assert target not in sim.state.accounts[EMAIL].invitations


# --- messages and replies ----------------------------------------------------------------------
def test_messages_to_connections_are_stored_and_shown_in_the_thread(sim):
    client = sim_login(sim)
    friend = sim.people_where(initial="connected")[0]["public_id"]
    assert send(client, friend, "Hello there").status_code == 200
    assert sim.state.accounts[EMAIL].messages == [(friend, "Hello there")]
    assert thread_events(client, friend) == [("me", "Hello there")]
    stranger = strangers(sim, 1)[0]
    refused = send(client, stranger, "Hi")
    assert refused.status_code == 422 and refused.json()["code"] == "NOT_CONNECTED"
    assert send(client, friend, "   ").json()["code"] == "EMPTY"
    assert sim.state.accounts[EMAIL].messages == [(friend, "Hello there")]


def test_replies_arrive_after_their_delay(sim):
    sim.state.config.update(reply_probability=1.0, reply_after_seconds=0.4)
    client = sim_login(sim)
    friend = sim.people_where(initial="connected")[0]["public_id"]
    send(client, friend, "Can we talk?")
    assert [s for s, _ in thread_events(client, friend)] == ["me"]
    time.sleep(0.5)
    assert [s for s, _ in thread_events(client, friend)] == ["me", "them"]


def test_add_reply_and_make_connected_from_the_test_side(sim):
    client = sim_login(sim)
    target = strangers(sim, 1)[0]
    sim.make_connected(EMAIL, target)
    sim.add_reply(EMAIL, target, "Great to connect!")
    assert thread_events(client, target) == [("them", "Great to connect!")]
    assert "· 1st" in client.get(f"/in/{target}/").text.split("</section>")[0]
    inbox = client.get("/messaging/").text
    assert f"/messaging/thread/{target}/" in inbox


# --- faults ------------------------------------------------------------------------------------
def test_slow_fault_delays_every_response(sim):
    sim.set_fault("slow", 0.3)
    started = time.monotonic()
    httpx.get(sim.url + "/login")
    assert time.monotonic() - started >= 0.3


def test_rate_limit_fault_answers_429_for_n_requests(sim):
    sim.set_fault("rate_limit", 2)
    statuses = [httpx.get(sim.url + "/login") for _ in range(3)]
    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert statuses[0].headers["retry-after"] == "5"


def test_http_999_fault(sim):
    sim.set_fault("http_999")
    response = httpx.get(sim.url + "/login")
    assert response.status_code == 999 and response.text == "Request denied"
    assert httpx.get(sim.url + "/__sim__/state").status_code == 200  # the control API is never faulted


def test_logged_out_fault_expires_sessions_and_a_new_login_works(sim):
    client = sim_login(sim)
    sim.set_fault("logged_out")
    assert client.get("/feed/").headers["location"].startswith("/authwall?")
    assert client.get(
        "/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity=x", headers=csrf_headers(client)
    ).status_code == 401  # fmt: skip
    assert sim_login(sim).get("/feed/").status_code == 200


def test_missing_connect_fault_strips_connect_and_more(sim):
    sim.set_fault("missing_connect")
    person = sim.people_where(layout="connect", initial="none")[0]
    card = sim_login(sim).get(f"/in/{person['public_id']}/").text.split("</section>")[0]
    assert "Invite " not in card and "More actions" not in card and "Follow " in card


@pytest.mark.parametrize("value", [True, "truncated"])
def test_malformed_voyager_fault_is_caught_by_the_parser(sim, value):
    sim.set_fault("malformed_voyager", value)
    client = sim_login(sim)
    response = client.get(
        "/voyager/api/identity/dash/profiles",
        params={"q": "memberIdentity", "memberIdentity": strangers(sim, 1)[0]},
        headers=csrf_headers(client),
    )
    assert response.status_code == 200
    with pytest.raises((VoyagerParseError, json.JSONDecodeError)):
        parse_profile(response.json())


def test_weekly_limit_fault_refuses_invitations(sim):
    sim.set_fault("weekly_limit")
    client = sim_login(sim)
    quota = client.post(f"{INVITE}?action=verifyQuota", json={}, headers=csrf_headers(client))
    assert quota.json() == {"quotaExceeded": True}
    target = strangers(sim, 1)[0]
    refused = invite(client, target)
    assert refused.status_code == 429 and refused.json()["code"] == "WEEKLY_LIMIT"
    assert target not in sim.state.accounts[EMAIL].invitations


def test_interop_overlay_fault_covers_html_pages_only(sim):
    sim.set_fault("interop_overlay")
    client = sim_login(sim)
    assert 'data-testid="interop-shadowdom"' in client.get("/feed/").text
    assert "interop" not in client.get("/voyager/api/me", headers=csrf_headers(client)).text


def test_unknown_fault_is_rejected(sim):
    with pytest.raises(ValueError, match="unknown fault 'nope'"):
        sim.set_fault("nope")


# --- control API -------------------------------------------------------------------------------
def test_control_api_sets_faults_config_accounts_and_resets(sim):
    control = httpx.Client(base_url=sim.url + "/__sim__")
    assert control.post("/faults", json={"weekly_limit": True, "slow": 0}).json() == {"faults": {"weekly_limit": True}}
    bad = control.post("/faults", json={"weekly_limit": False, "bogus": 1})
    assert bad.status_code == 400 and "bogus" in bad.json()["error"]
    assert sim.state.faults == {"weekly_limit": True}  # nothing changed by the bad request
    friend = strangers(sim, 1)[0]
    state = control.post(
        "/state",
        json={
            "config": {"accept_probability": 0.25},
            "accounts": [{"email": "ops@example.com", "password": "pw"}],
            "connect": [{"email": "ops@example.com", "public_id": friend}],
            "replies": [{"email": "ops@example.com", "public_id": friend, "text": "Yes!"}],
        },
    ).json()
    assert state["config"]["accept_probability"] == 0.25
    assert friend in state["accounts"]["ops@example.com"]["connections"]
    assert state["accounts"]["ops@example.com"]["threads"][friend][0]["text"] == "Yes!"
    for body in ({"config": {"accept_probability": 3}}, {"connect": [{"email": "x@y.z", "public_id": "ghost"}]}):
        assert control.post("/state", json=body).status_code == 400
    assert control.post("/state", content=b"{not json").json()["error"].startswith("body is not valid JSON")
    assert control.get("/state").json()["config"]["accept_probability"] == 0.25
    assert control.post("/faults", json={"clear": True}).json() == {"faults": {}}
    assert control.post("/reset").json()["accounts"] == {}
    assert len(control.get("/people", params={"keywords": "cto"}).json()["people"]) >= 10


# --- the command -------------------------------------------------------------------------------
def test_command_rejects_bad_options():
    with pytest.raises(CommandError):
        call_command("linkedin_sim", "--accept-probability", "1.5")
    with pytest.raises(CommandError, match="--people"):
        call_command("linkedin_sim", "--people", "0")


def test_command_serves_the_simulator():
    process = subprocess.Popen(
        [sys.executable, "manage.py", "linkedin_sim", "--port", "0", "--seed", "7", "--accept-after", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = line.split(" on ", 1)[1].split()[0]
        state = httpx.get(url + "/__sim__/state", timeout=10).json()
        assert state["seed"] == 7 and state["config"]["accept_after_seconds"] == 1.0
        assert state["config"]["accept_probability"] == 0.7 and state["config"]["reply_probability"] == 0.3
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("run", [1, 2])
def test_sim_session_starts_every_test_clean(sim_session, settings, run):
    assert sim_session.state.accounts == {} and sim_session.state.faults == {}
    assert settings.LINKEDIN_BASE_URL == settings.SANDBOX_BASE_URL == sim_session.url
    client = sim_login(sim_session)  # leave state behind for the other run to not see
    sim_session.set_fault("weekly_limit")
    invite(client, strangers(sim_session, 1)[0])


def test_my_network_lists_connections_and_sent_invitations(sim):
    sim.state.config["accept_probability"] = 0.0
    client = sim_login(sim)
    target = strangers(sim, 1)[0]
    invite(client, target)
    sent = client.get("/mynetwork/invitation-manager/sent/").text
    assert f"/in/{target}/" in sent
    connections = client.get("/mynetwork/").text
    assert all(f"/in/{p['public_id']}/" in connections for p in sim.people_where(initial="connected"))


def test_malformed_requests_get_a_clear_400_and_change_nothing(sim):
    client = sim_login(sim)
    before = set(sim.state.accounts[EMAIL].invitations)
    broken = client.post(f"{INVITE}?action=verifyQuotaAndCreateV2", content=b"{oops", headers=csrf_headers(client))
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["message"]
    unknown = invite(client, "ghost-person")
    assert unknown.status_code == 404
    assert sim.state.accounts[EMAIL].invitations == before
