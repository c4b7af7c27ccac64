"""One Celery worker process per LinkedIn account: the process that owns the account's browser.

Why a queue per account (and not a lease in Redis): routing every browser task of an account to
`account.<id>`, consumed by exactly one `--pool=solo` worker, gives "one browser, one action at a
time" without any lock to renew, and the browser stays warm in that process across tasks (the
Playwright sync API is bound to its thread, which solo keeps). The cost is a process per account
(~75 MB plus Chromium), fine for the tens of accounts one machine can drive anyway.

Take-over: tasks are acks_late with reject_on_worker_lost; when a worker dies mid-task its
message stays unacknowledged and Redis hands it out again after the visibility timeout, while
this supervisor restarts the worker within one reconcile period (`ENGINE_SUPERVISOR_INTERVAL`).
The rerun finds the action claim taken before the browser acted ("resumed") and checks LinkedIn
before acting, so nothing is sent twice. Independently, the account's lease in the database
expires and the beat ticks it again.
"""

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings

from outreach.engine.routing import account_queue
from outreach.models import AccountStatus, LinkedInAccount

log = logging.getLogger(__name__)
RESTART_BACKOFF = (0.0, 2.0, 5.0, 15.0, 60.0)  # seconds before restarting a worker that keeps dying


@dataclass
class Worker:
    account_id: int
    process: subprocess.Popen
    started_at: float
    restarts: int = 0


@dataclass
class Supervisor:
    python: str = sys.executable
    loglevel: str = "INFO"
    extra_args: tuple[str, ...] = ()
    env: dict | None = None
    workers: dict[int, Worker] = field(default_factory=dict)
    _deaths: dict[int, int] = field(default_factory=dict)
    _not_before: dict[int, float] = field(default_factory=dict)

    def wanted(self) -> set[int]:
        """Accounts that need a browser worker: every active, non-paused account."""
        qs = LinkedInAccount.objects.filter(active=True).exclude(status=AccountStatus.PAUSED)
        return set(qs.values_list("pk", flat=True))

    def command(self, account_id: int) -> list[str]:
        return [
            self.python, "-m", "celery", "-A", "config", "worker",
            "-Q", account_queue(account_id), "--pool=solo", "--concurrency=1",
            "-n", f"account{account_id}@%h", "--prefetch-multiplier=1",
            "--without-gossip", "--without-mingle", "-l", self.loglevel, *self.extra_args,
        ]  # fmt: skip

    def start(self, account_id: int) -> Worker:
        env = {**os.environ, **(self.env or {})}
        proc = subprocess.Popen(self.command(account_id), cwd=settings.BASE_DIR, env=env)
        worker = Worker(account_id, proc, time.monotonic(), restarts=self._deaths.get(account_id, 0))
        self.workers[account_id] = worker
        log.info("started browser worker for account %s (pid %s)", account_id, proc.pid)
        return worker

    def stop(self, account_id: int, timeout: float = 20.0) -> None:
        worker = self.workers.pop(account_id, None)
        if worker is None or worker.process.poll() is not None:
            return
        worker.process.send_signal(signal.SIGTERM)  # warm shutdown: the current task finishes
        try:
            worker.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()

    def reconcile(self) -> dict[str, int]:
        """Start missing workers, restart dead ones (with back-off), stop unwanted ones."""
        wanted = self.wanted()
        started = restarted = stopped = 0
        now = time.monotonic()
        for account_id, worker in list(self.workers.items()):
            if worker.process.poll() is not None:
                code = worker.process.returncode
                self.workers.pop(account_id)
                deaths = self._deaths.get(account_id, 0) + 1
                self._deaths[account_id] = deaths
                self._not_before[account_id] = now + RESTART_BACKOFF[min(deaths - 1, len(RESTART_BACKOFF) - 1)]
                log.warning("browser worker for account %s exited with %s", account_id, code)
        for account_id in sorted(wanted - set(self.workers)):
            if self._not_before.get(account_id, 0) > now:
                continue
            self.start(account_id)
            if self._deaths.get(account_id):
                restarted += 1
            else:
                started += 1
        for account_id in sorted(set(self.workers) - wanted):
            self.stop(account_id)
            stopped += 1
        return {"started": started, "restarted": restarted, "stopped": stopped, "running": len(self.workers)}

    def stop_all(self) -> None:
        for account_id in list(self.workers):
            self.workers[account_id].process.send_signal(signal.SIGTERM)
        for account_id in list(self.workers):
            self.stop(account_id)
