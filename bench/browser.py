"""Browser bench: Chromium start per account, and one profile scrape and one connect against the
LinkedIn simulator, with the account's browser reused versus relaunched for every action.

Human pacing (HUMAN_DELAY_*, TYPING_DELAY_*) is set to zero: the numbers are the machinery's cost,
not the deliberate waits added in production. "relaunched" includes starting Chromium, restoring
the stored session (no password login: the cookies are reused) and checking it on /feed/.
`run()` measures in a child process on a scratch SQLite database.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = 3
REPEAT = 5


def run() -> None:
    scratch = tempfile.mkdtemp(prefix="bench-browser-")
    env = {**os.environ, "DATA_DIR": scratch, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    env.setdefault("FIELD_ENCRYPTION_KEY", "q1Xc3c7sJ2lQ2Jc2oYpZ9d9J8Sx0Xx8U5l8m3oVb0wE=")
    env.update(HUMAN_DELAY_MIN="0", HUMAN_DELAY_MAX="0", TYPING_DELAY_MIN_MS="0", TYPING_DELAY_MAX_MS="0")
    subprocess.run([sys.executable, "-m", "bench.browser"], env=env, cwd=ROOT, check=True)


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.0f} ms  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"


def _measure() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from crm.models import Team
    from outreach.linkedin import actions
    from outreach.linkedin.session import close_all, close_session, get_session
    from outreach.models import LinkedInAccount
    from outreach.simulator.server import SimServer

    call_command("migrate", verbosity=0)
    sim = SimServer(port=0, seed=7, accept_after_seconds=86400).start()
    settings.SANDBOX_BASE_URL = sim.url
    team = Team.objects.create(name="Bench team")
    accounts = [
        LinkedInAccount.objects.create(team=team, username=f"bench{i}@example.com", password="sandbox", is_sandbox=True)
        for i in range(ACCOUNTS)
    ]
    people = sim.state.people
    scrape_ids = [pid for pid, p in people.items() if p["initial"] == "none"]
    connect_ids = [pid for pid, p in people.items() if p["initial"] == "none" and p["layout"] == "connect"]

    started = [_timed(lambda a=a: get_session(a).page) for a in accounts]  # first one includes the driver
    logins = [_timed(lambda a=a: get_session(a).ensure_logged_in()) for a in accounts]

    main = accounts[0]
    reused_scrape = [
        _timed(lambda i=i: actions.scrape_profile(get_session(main), scrape_ids[i])) for i in range(REPEAT)
    ]
    reused_connect = [
        _timed(lambda i=i: actions.send_connection_request(get_session(main), connect_ids[i])) for i in range(REPEAT)
    ]

    def relaunched(action, public_id):
        close_session(main.pk)
        action(get_session(main), public_id)

    fresh_scrape = [
        _timed(lambda i=i: relaunched(actions.scrape_profile, scrape_ids[REPEAT + i])) for i in range(REPEAT)
    ]
    fresh_connect = [
        _timed(lambda i=i: relaunched(actions.send_connection_request, connect_ids[REPEAT + i])) for i in range(REPEAT)
    ]
    close_all()
    sim.stop()

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Chromium {settings.CHROMIUM_EXECUTABLE}, headless={settings.BROWSER_HEADLESS}, simulator {sim.url}")
    print(f"machine: {os.cpu_count()} cores, load average {load} (timings grow with load)")
    print(f"browser start per account (launch + context + page), {ACCOUNTS} accounts")
    print(f"  first (with Playwright driver start)   {started[0] * 1000:8.0f} ms")
    print(f"  next accounts                           {_ms(started[1:])}")
    print(f"login with e-mail + password              {_ms(logins)}")
    print(f"\n{'action (median of ' + str(REPEAT) + ')':<28}{'browser reused':>36}{'relaunched per action':>40}")
    print(f"{'scrape_profile (Voyager)':<28}{_ms(reused_scrape):>36}{_ms(fresh_scrape):>40}")
    print(f"{'send_connection_request':<28}{_ms(reused_connect):>36}{_ms(fresh_connect):>40}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _measure()
