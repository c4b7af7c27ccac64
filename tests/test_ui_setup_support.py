"""Fixtures shared by the set-up screens' tests (imported by each tests/test_ui_setup_*.py module)."""

import pytest

from config.celery import app as celery_app

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(name="eager_celery")
def eager_celery_fixture(settings):
    """Tasks run in the process that enqueues them (the test, or the live server's thread), so a
    "Test login" completes without a worker; browser pacing is shortened to keep tests quick."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    settings.HUMAN_DELAY_MIN, settings.HUMAN_DELAY_MAX = 0.0, 0.05
    settings.TYPING_DELAY_MIN_MS, settings.TYPING_DELAY_MAX_MS = 0, 5
    yield
    celery_app.conf.task_always_eager = previous
