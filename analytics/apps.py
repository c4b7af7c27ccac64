from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_schedule(sender, using: str = "default", **kwargs) -> None:
    from django.db import connections

    if "django_celery_beat_periodictask" not in connections[using].introspection.table_names():
        return
    from analytics.schedule import install_schedule

    install_schedule()


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        # Runs after `migrate`, so `make run` always has the periodic rebuild declared.
        post_migrate.connect(_install_schedule, sender=self, dispatch_uid="analytics.install_schedule")
