"""Shared fixtures: users in teams (owner, teammate, outsider), and real Chromium for UI tests."""

import os
from pathlib import Path

import pytest
from django.test import Client

from outreach.linkedin.driver import CHROMIUM_ARGS
from tests.factories import PASSWORD, MembershipFactory, TeamFactory

CHROMIUM = os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
pytest_plugins = ["tests.fixtures_sim", "tests.fixtures_celery", "tests.fixtures_llm"]

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
FIXTURES = SHARED / "fixtures" / "linkedin"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium instead of a Playwright-downloaded build."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Users are created in most tests; the production hasher's rounds would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def owner(team):
    return MembershipFactory(team=team).user


@pytest.fixture
def teammate(team):
    return MembershipFactory(team=team, role="member").user


@pytest.fixture
def outsider(db):
    return MembershipFactory().user


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def outsider_client(outsider) -> Client:
    client = Client()
    client.force_login(outsider)
    return client


def screenshot(page, name: str) -> None:
    """Save a screenshot of what a browser test sees (git-ignored folder)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def login_page(live_server, page):
    """Log a fresh owner in through the real login form; returns (page, user)."""

    def _login(user):
        page.goto(live_server.url + "/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        return page

    return _login
