"""Typed failures of the LinkedIn layer. Callers (engine lanes, tasks, the CLI) branch on these."""

from __future__ import annotations


class LinkedInError(Exception):
    """Base of every failure the LinkedIn layer raises on purpose."""


class LoginFailed(LinkedInError):
    """LinkedIn rejected the e-mail/password; the account is marked `needs_login`."""


class CheckpointRequired(LinkedInError):
    """LinkedIn shows a security checkpoint or captcha; the account is paused until a human clears it."""


class SessionExpired(LinkedInError):
    """The session stayed logged out even after logging in again."""


class RateLimited(LinkedInError):
    """LinkedIn answered 429 or 999: back off for `retry_after` seconds."""

    def __init__(self, message: str = "LinkedIn is rate-limiting this account", retry_after: float = 3600.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ReachedConnectionLimit(LinkedInError):
    """LinkedIn's weekly invitation limit; the account's weekly budget is marked exhausted."""


class ProfileUnavailable(LinkedInError):
    """The profile is private, deleted or restricted (Voyager 403/404)."""


class ElementMissing(LinkedInError):
    """An element the action needs is not on the page (e.g. no Connect on the top card or in More)."""
