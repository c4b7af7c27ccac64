"""Run one Celery worker (`--pool=solo`) per active LinkedIn account and keep them running.

The Procfile's `browsers` entry. See `outreach.engine.supervisor` for why a queue per account.
"""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from outreach.engine.supervisor import Supervisor


class Command(BaseCommand):
    help = "Supervise one browser worker per active LinkedIn account (queue account.<id>)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=settings.ENGINE_SUPERVISOR_INTERVAL)
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument("--once", action="store_true", help="Reconcile once, leave workers running, exit.")

    def handle(self, *args, interval: float, loglevel: str, once: bool, **options) -> None:
        supervisor = Supervisor(loglevel=loglevel)
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        try:
            while True:
                close_old_connections()
                counts = supervisor.reconcile()
                if any(counts[k] for k in ("started", "restarted", "stopped")):
                    self.stdout.write(
                        f"browser workers: {counts['running']} running "
                        f"(+{counts['started']} started, {counts['restarted']} restarted, {counts['stopped']} stopped)"
                    )
                if once or stop.wait(interval):
                    break
        finally:
            if not once:
                supervisor.stop_all()
