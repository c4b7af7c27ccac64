"""Human pacing: waits between actions and per-key typing delays, from settings (tests set them to 0)."""

import random
import time

from django.conf import settings


def human_pause(scale: float = 1.0) -> None:
    """A human-looking wait between actions (HUMAN_DELAY_MIN..MAX seconds, times `scale`)."""
    low, high = settings.HUMAN_DELAY_MIN, max(settings.HUMAN_DELAY_MIN, settings.HUMAN_DELAY_MAX)
    delay = random.uniform(low, high) * scale
    if delay > 0:
        time.sleep(delay)


def key_pause() -> None:
    """The wait after one typed key (TYPING_DELAY_MIN_MS..MAX_MS milliseconds)."""
    low, high = settings.TYPING_DELAY_MIN_MS, max(settings.TYPING_DELAY_MIN_MS, settings.TYPING_DELAY_MAX_MS)
    delay = random.uniform(low, high) / 1000
    if delay > 0:
        time.sleep(delay)
