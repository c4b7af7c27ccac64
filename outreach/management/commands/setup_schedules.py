"""Write the project's periodic tasks to django-celery-beat (idempotent; run on start and deploy)."""

from django.core.management.base import BaseCommand

from outreach.engine.schedules import install_schedules


class Command(BaseCommand):
    help = "Create or update the periodic tasks (declared in outreach/engine/schedules.py)."

    def handle(self, *args, **options) -> None:
        counts = install_schedules()
        self.stdout.write(
            f"schedules: {counts['declared']} declared, {counts['created']} created, "
            f"{counts['updated']} updated, {counts['disabled']} disabled"
        )
