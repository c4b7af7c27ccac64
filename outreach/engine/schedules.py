"""Every periodic task of the project, declared once and written to django-celery-beat's tables.

`manage.py setup_schedules` (run by `make run` and on deploy) calls `install_schedules()`, which is
idempotent: it creates or updates these entries by name and disables entries it once made that are
no longer declared (names starting with PREFIX). The DatabaseScheduler picks changes up live.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

PREFIX = "outreach: "


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_seconds: float | None = None  # an interval, or
    crontab: dict | None = None  # a crontab (minute, hour, day_of_week, ...) in UTC
    queue: str = "default"
    kwargs: dict = field(default_factory=dict)
    expires_seconds: int | None = None  # a heartbeat that missed its turn is dropped, not piled up


def declared() -> list[Periodic]:
    tick = float(settings.ENGINE_TICK_SECONDS)
    return [
        Periodic(
            PREFIX + "engine tick",
            "outreach.tasks.tick",
            every_seconds=tick,
            queue="default",
            expires_seconds=max(1, int(tick * 2)),
        ),
        Periodic(
            PREFIX + "nightly analytics rebuild",
            "analytics.tasks.rebuild_analytics",
            crontab={"minute": "30", "hour": "3"},
            queue="analytics",
        ),
    ]


def _schedule(spec: Periodic) -> dict:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule

    if spec.every_seconds is not None:
        every = max(1, round(spec.every_seconds))
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.SECONDS)
        return {"interval": interval, "crontab": None}
    fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
    crontab, _ = CrontabSchedule.objects.get_or_create(**(fields | spec.crontab), timezone="UTC")
    return {"interval": None, "crontab": crontab}


@transaction.atomic
def install_schedules(specs: list[Periodic] | None = None) -> dict[str, int]:
    """Create/update the declared entries; disable stale ones of ours. Returns counts."""
    from django_celery_beat.models import PeriodicTask

    specs = declared() if specs is None else specs
    created = updated = 0
    for spec in specs:
        defaults = {
            "task": spec.task,
            "kwargs": json.dumps(spec.kwargs),
            "queue": spec.queue,
            "enabled": True,
            "expire_seconds": spec.expires_seconds,
            "headers": json.dumps({}),
            **_schedule(spec),
        }
        task, was_created = PeriodicTask.objects.get_or_create(name=spec.name, defaults=defaults)
        if was_created:
            created += 1
            continue
        changed = [k for k, v in defaults.items() if getattr(task, k) != v]
        if changed:
            for k in changed:
                setattr(task, k, defaults[k])
            task.save()
            updated += 1
    stale = PeriodicTask.objects.filter(name__startswith=PREFIX, enabled=True).exclude(name__in=[s.name for s in specs])
    disabled = stale.update(enabled=False)
    if disabled:
        from django_celery_beat.models import PeriodicTasks

        PeriodicTasks.update_changed()
    return {"created": created, "updated": updated, "disabled": disabled, "declared": len(specs)}
