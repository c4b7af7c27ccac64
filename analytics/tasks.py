"""Rebuilding the analytics in the background (Celery queue `analytics`).

`schedule_rebuild()` is what other parts call after activity: calls within the debounce window
collapse into one rebuild. The periodic rebuild is declared with the project's other periodic
tasks (outreach.engine.schedules).
The build itself holds a file lock, so two rebuilds never overlap: a rebuild that finds one
running retries later instead of waiting on a worker.
"""

import logging
import os
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Max

from analytics.build import BuildBusy, BuildError, build
from analytics.store import built_at
from crm.models import Activity

logger = logging.getLogger(__name__)

QUEUE = "analytics"
BUSY_RETRY_SECONDS = 60


def _pending_marker() -> Path:
    return Path(settings.DATA_DIR) / "analytics-rebuild.pending"


def _claim_pending() -> bool:
    """Take the "a rebuild is scheduled" marker; False if a recent one is held already."""
    marker = _pending_marker()
    stale_after = settings.ANALYTICS_DEBOUNCE_SECONDS + settings.ANALYTICS_BUILD_TIMEOUT + 60
    try:
        if time.time() - marker.stat().st_mtime > stale_after:
            marker.unlink(missing_ok=True)  # its task was lost (broker purged, worker gone)
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _release_pending() -> None:
    _pending_marker().unlink(missing_ok=True)


def schedule_rebuild(*, delay: float | None = None, force: bool = False) -> bool:
    """Ask for an analytics rebuild after the current transaction commits.

    Debounced: while a rebuild is scheduled and not started, further calls do nothing and return
    False. `delay` defaults to ANALYTICS_DEBOUNCE_SECONDS; `force` enqueues even if one is
    scheduled (the "Rebuild" button). Never raises: analytics must not break the caller.
    """
    try:
        claimed = _claim_pending()
    except OSError:
        logger.exception("cannot write the analytics rebuild marker in DATA_DIR")
        claimed = False
    if not claimed and not force:
        return False
    countdown = settings.ANALYTICS_DEBOUNCE_SECONDS if delay is None else delay

    def enqueue() -> None:
        try:
            rebuild_analytics.apply_async(countdown=countdown, queue=QUEUE)
        except Exception:
            _release_pending()
            logger.exception("could not enqueue the analytics rebuild")

    transaction.on_commit(enqueue)
    return True


def schedule_rebuild_if_stale(*, team_id: int) -> bool:
    """Schedule a (debounced) rebuild when the team has activity newer than the published marts.

    Returns True when the marts are behind, whether this call or an earlier one scheduled it.
    """
    latest = Activity.objects.filter(team_id=team_id).aggregate(latest=Max("created_at"))["latest"]
    built = built_at()
    if latest is None or (built is not None and latest <= built):
        return False
    schedule_rebuild()
    return True


# The queue is given where it is sent (schedule_rebuild, the beat row): the `queue` task attribute
# is deprecated in Celery.
@shared_task(
    name="analytics.tasks.rebuild_analytics",
    bind=True,
    max_retries=10,
    soft_time_limit=settings.ANALYTICS_BUILD_TIMEOUT + 60,
    time_limit=settings.ANALYTICS_BUILD_TIMEOUT + 120,
)
def rebuild_analytics(self, test: bool = False) -> dict:
    """Build the marts (dbt in a subprocess with a timeout) and publish DATA_DIR/analytics.duckdb."""
    _release_pending()  # activity from now on asks for the next rebuild
    try:
        result = build(test=test, timeout=settings.ANALYTICS_BUILD_TIMEOUT)
    except BuildBusy as exc:
        raise self.retry(countdown=BUSY_RETRY_SECONDS) from exc
    except BuildError as exc:
        logger.error("analytics rebuild failed: %s", exc)
        return {"ok": False, "error": str(exc)[:2000]}
    return {"ok": True, "command": result.command, "seconds": round(result.seconds, 2)}
