"""The periodic analytics rebuild, as a django-celery-beat row (beat uses the DatabaseScheduler)."""

from django.conf import settings

TASK_NAME = "analytics.tasks.rebuild_analytics"
SCHEDULE_NAME = "analytics: rebuild marts"


def install_schedule() -> None:
    """Create or update the periodic rebuild (every ANALYTICS_REBUILD_MINUTES). Idempotent."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    minutes = max(int(settings.ANALYTICS_REBUILD_MINUTES), 1)
    every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"task": TASK_NAME, "interval": every, "queue": "analytics", "enabled": True},
    )
