"""Pytest fixtures for the LinkedIn simulator (a plugin loaded by tests/conftest.py).

- `sim`: a fresh `SimServer` (seed 42, 300 people, every invitation accepted at once, no replies)
  on a free port for this test only; stopped afterwards. Change its behaviour in the test with
  `sim.state.config[...]`, `sim.set_fault(...)`, `sim.add_account(...)`, `sim.make_connected(...)`.
- `sim_session`: one server shared by the whole test session, `reset()` before each test that
  uses it (accounts, sessions, faults and settings back to the start). Cheaper for browser tests.
Both point `settings.SANDBOX_BASE_URL` and `settings.LINKEDIN_BASE_URL` at the server.
- `sim_login(client_or_none, sim, email)`: log an httpx client in over HTTP (no browser).
"""

import httpx
import pytest

from outreach.simulator.server import SimServer


def _point_settings_at(settings, sim: SimServer) -> None:
    settings.SANDBOX_BASE_URL = sim.url
    settings.LINKEDIN_BASE_URL = sim.url


@pytest.fixture
def sim(settings):
    server = SimServer(port=0, seed=42).start()
    _point_settings_at(settings, server)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _sim_shared():
    server = SimServer(port=0, seed=42).start()
    yield server
    server.stop()


@pytest.fixture
def sim_session(_sim_shared, settings):
    _sim_shared.reset()
    _point_settings_at(settings, _sim_shared)
    return _sim_shared


def sim_login(sim: SimServer, email: str = "sales@example.com", password: str = "sandbox") -> httpx.Client:
    """An httpx client holding a simulator session (li_at + JSESSIONID cookies)."""
    client = httpx.Client(base_url=sim.url, follow_redirects=False, timeout=10)
    response = client.post("/uas/login-submit", data={"session_key": email, "session_password": password})
    assert response.status_code == 303 and response.headers["location"] == "/feed/", response.text[:300]
    return client


def csrf_headers(client: httpx.Client) -> dict[str, str]:
    """The csrf-token header LinkedIn expects: the JSESSIONID cookie's value without its quotes."""
    return {"csrf-token": client.cookies["JSESSIONID"].strip('"')}
