"""Time on an account's clock: its time zone, working hours, jittered intervals and Poisson gaps."""

import random
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytz  # its country → time zone table
from django.conf import settings
from django.utils import timezone

UTC = ZoneInfo("UTC")


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@lru_cache(maxsize=256)
def default_time_zone(country_code: str) -> str:
    """The main time zone of a country (ISO-2 code), or UTC when unknown."""
    zones = pytz.country_timezones.get((country_code or "").upper(), [])
    return zones[0] if zones else "UTC"


def account_zone(account) -> ZoneInfo:
    return _zone(account.time_zone or default_time_zone(account.country_code))


def local_now(account, now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(account_zone(account))


def local_day(account, now: datetime | None = None) -> date:
    return local_now(account, now).date()


def week_start(day: date) -> date:
    """Monday of the ISO week that holds `day`."""
    return day - timedelta(days=day.weekday())


def in_working_hours(account, now: datetime | None = None) -> bool:
    """Whether the account's local hour lies in [active_hours_start, active_hours_end).

    A start after the end means a window across midnight; start == end means never,
    except 0-24 which means always.
    """
    start, end = account.active_hours_start, account.active_hours_end
    if start == 0 and end >= 24:
        return True
    hour = local_now(account, now).hour
    if start < end:
        return start <= hour < end
    if start > end:
        return hour >= start or hour < end
    return False


def next_working_start(account, now: datetime | None = None) -> datetime:
    """The next moment (UTC) the working window opens; `now` if it is open already."""
    now = now or timezone.now()
    if in_working_hours(account, now):
        return now
    local = local_now(account, now)
    start = local.replace(hour=min(account.active_hours_start, 23), minute=0, second=0, microsecond=0)
    if start <= local:
        start += timedelta(days=1)
    return start.astimezone(UTC)


def jittered(seconds: float, rng: random.Random | None = None) -> float:
    """A lane interval with ±20 % random jitter (never negative)."""
    rng = rng or random
    return max(0.0, seconds * rng.uniform(0.8, 1.2))


def poisson_gap(mean_seconds: float | None = None, rng: random.Random | None = None) -> float:
    """The wait before an account's next attempt: exponential, so attempts form a Poisson process.

    Capped at three means so a rare long draw does not stall an account.
    """
    mean = settings.ENGINE_MEAN_GAP_SECONDS if mean_seconds is None else mean_seconds
    if mean <= 0:
        return 0.0
    rng = rng or random
    return min(rng.expovariate(1.0 / mean), 3 * mean)
