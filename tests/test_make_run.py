"""`make run` starts the whole app: the Procfile's processes all start and answer.

Runs the real Procfile through honcho on embedded defaults (SQLite + filesystem broker, no Redis),
as a newcomer's `make run` does, in a private DATA_DIR and on free ports.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures_celery import free_port

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_procfile_processes_start_and_answer(tmp_path):
    web_port, sandbox_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}},
        "DATA_DIR": str(tmp_path),
        "WEB_PORT": str(web_port),
        "SANDBOX_PORT": str(sandbox_port),
        "SANDBOX_BASE_URL": f"http://127.0.0.1:{sandbox_port}",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    procfile = (ROOT / "Procfile").read_text()
    names = [line.split(":", 1)[0] for line in procfile.splitlines() if line and not line.startswith("#")]
    log = tmp_path / "honcho.log"
    with log.open("w") as out:
        honcho = subprocess.Popen(
            [str(VENV_BIN / "honcho"), "start", "-f", "Procfile", *names],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # web: serves the sign-up page
        body = wait_for(
            lambda: urllib.request.urlopen(f"http://127.0.0.1:{web_port}/signup/", timeout=2).read().decode(),
            90,
            "the web process",
        )
        assert "Create your account" in body
        # worker: answers a remote-control ping through the filesystem broker
        ping = wait_for(
            lambda: (
                "pong"
                in subprocess.run(
                    [str(VENV_BIN / "celery"), "-A", "config", "inspect", "ping", "-t", "3"],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=30,
                ).stdout
            ),
            90,
            "the Celery worker to answer ping",
        )
        assert ping
        # beat: started its scheduler
        wait_for(lambda: "beat: Starting" in log.read_text(), 60, "celery beat to start")
        if "sandbox" in names:
            page = wait_for(
                lambda: urllib.request.urlopen(f"http://127.0.0.1:{sandbox_port}/login", timeout=2).read().decode(),
                60,
                "the sandbox simulator",
            )
            assert 'id="username"' in page
        assert honcho.poll() is None, log.read_text()[-3000:]
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
