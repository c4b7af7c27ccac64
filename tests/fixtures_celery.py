"""Real Celery for tests: a private Redis, workers and beat as subprocesses on the test database.

Fixtures (loaded as a pytest plugin by tests/conftest.py):

- ``redis_server`` (session): a ``redis-server`` we start ourselves on a free port (never the
  machine's shared 6379), so a test may stop and restart it (``.restart()``). ``.url``.
- ``celery_stack``: a factory for this test's processes, all stopped (and their logs printed on
  failure) before the test database is flushed. It points this process's Celery app at the private
  Redis and gives every subprocess the test database (SQLite file via SQLITE_PATH, or PostgreSQL's
  test database via DATABASE_URL), the simulator, the stub LLM and shortened engine intervals:

      stack = celery_stack(env={"SANDBOX_BASE_URL": sim.url})
      stack.worker("default,qualifier,llm")        # a solo worker on those queues
      stack.browsers()                              # manage.py run_browser_workers (one per account)
      stack.beat()                                  # beat on the DatabaseScheduler (setup_schedules first)
      stack.wait_for(lambda: ..., timeout=60)       # poll the database until true

Tests using it need ``transactional_db`` (data must be committed for other processes to see it)
and are marked ``redis``.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="engine-redis-")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        exe = shutil.which("redis-server")
        if exe is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server / brew install redis)")
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--protected-mode", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self, down_seconds: float = 0.0) -> None:
        """Stop (losing every queued message, as a crash without persistence would) and start again."""
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushall()


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)


def _database_env() -> dict[str, str]:
    from django.db import connection

    cfg = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(cfg["NAME"]), "DATABASE_URL": ""}
    user = cfg.get("USER") or "postgres"
    auth = f"{user}:{cfg['PASSWORD']}" if cfg.get("PASSWORD") else user
    host, port = cfg.get("HOST") or "127.0.0.1", cfg.get("PORT") or 5432
    return {"DATABASE_URL": f"postgres://{auth}@{host}:{port}/{cfg['NAME']}"}


def _point_app_at(app, broker: str, backend: str, transport_options: dict) -> None:
    """Switch this process's Celery app to another broker/backend, dropping cached connections
    (an earlier test may have used the default filesystem broker)."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    # kombu keeps producer pools in a process-wide registry keyed by connection: a closed one would
    # be handed back later for the same broker URL ("Acquire on closed pool"), so drop them all.
    pools.reset()
    app.conf.broker_url, app.conf.result_backend = broker, backend
    app.conf.broker_transport_options = transport_options
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


class CeleryStack:
    def __init__(self, redis: RedisServer, settings, env: dict[str, str]) -> None:
        from django.conf import settings as django_settings

        self.redis = redis
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []
        self.logdir = Path(tempfile.mkdtemp(prefix="engine-celery-logs-"))
        self.env = {
            **os.environ,
            **_database_env(),
            "CELERY_BROKER_URL": redis.url,
            "CELERY_RESULT_BACKEND": redis.url,
            "CELERY_VISIBILITY_TIMEOUT": "4",
            "ENGINE_TICK_SECONDS": "1",
            "ENGINE_MEAN_GAP_SECONDS": "0",
            "ENGINE_ACCOUNT_LEASE_SECONDS": "20",
            "ENGINE_ENRICH_MIN_INTERVAL": "0",
            "ENGINE_SUPERVISOR_INTERVAL": "1",
            "ENGINE_LLM_RETRY_SECONDS": "3",
            "HUMAN_DELAY_MIN": "0",
            "HUMAN_DELAY_MAX": "0.01",
            "TYPING_DELAY_MIN_MS": "0",
            "TYPING_DELAY_MAX_MS": "1",
            "SANDBOX_BASE_URL": django_settings.SANDBOX_BASE_URL,
            "LINKEDIN_BASE_URL": django_settings.LINKEDIN_BASE_URL,
            "LLM_API_KEY": django_settings.LLM_API_KEY or "",
            "LLM_API_BASE": django_settings.LLM_API_BASE or "",
            "AI_MODEL": django_settings.AI_MODEL or "",
            "LLM_TIMEOUT": str(getattr(django_settings, "LLM_TIMEOUT", 60)),
            "LLM_MAX_RETRIES": str(getattr(django_settings, "LLM_MAX_RETRIES", 1)),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        # This process enqueues too (tests, dispatch): same broker.
        from config.celery import app

        self._saved = (app.conf.broker_url, app.conf.result_backend, app.conf.broker_transport_options)
        _point_app_at(app, redis.url, redis.url, {"visibility_timeout": 4})
        settings.ENGINE_TICK_SECONDS = float(self.env["ENGINE_TICK_SECONDS"])
        settings.ENGINE_ACCOUNT_LEASE_SECONDS = float(self.env["ENGINE_ACCOUNT_LEASE_SECONDS"])

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = self.logdir / f"{name}-{len(self.procs)}.log"
        proc = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append((name, proc, log))
        return proc

    def worker(self, queues: str = "default,qualifier,llm", name: str = "general") -> subprocess.Popen:
        return self._spawn(
            name,
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queues, "--pool=solo",
             "-n", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "-l", "INFO"],
        )  # fmt: skip

    def browsers(self) -> subprocess.Popen:
        return self._spawn("browsers", [sys.executable, "manage.py", "run_browser_workers", "--interval", "1"])

    def beat(self) -> subprocess.Popen:
        from outreach.engine.schedules import install_schedules

        install_schedules()
        return self._spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--max-interval", "1",
             "--pidfile=", "-s", str(self.logdir / "beat-schedule"), "-l", "INFO"],
        )  # fmt: skip

    def kill(self, proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        os.killpg(proc.pid, sig)

    def logs(self) -> str:
        parts = [f"===== {name} =====\n{log.read_text(errors='replace')[-6000:]}" for name, _, log in self.procs]
        return "\n".join(parts)

    def wait_for(self, check: Callable[[], object], timeout: float = 60, interval: float = 0.5, what: str = ""):
        from django.db import close_old_connections

        deadline = time.monotonic() + timeout
        while True:
            close_old_connections()
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what or check}\n{self.logs()}")
            time.sleep(interval)

    def stop(self) -> None:
        for _, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        from config.celery import app

        _point_app_at(app, *self._saved)


@pytest.fixture
def celery_stack(request, redis_server, transactional_db, settings):
    stacks: list[CeleryStack] = []

    def make(env: dict[str, str] | None = None) -> CeleryStack:
        redis_server.flush()
        stack = CeleryStack(redis_server, settings, env or {})
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            sys.stderr.write(stack.logs())
        shutil.rmtree(stack.logdir, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
