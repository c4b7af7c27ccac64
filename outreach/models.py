"""Campaigns, LinkedIn accounts and search keywords."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from crm.fields import EncryptedTextField
from crm.models import Team

DEFAULT_FOLLOWUP_TEMPLATE = """\
Write a short LinkedIn follow-up message to {{ full_name }}, who just accepted my connection request.
They work as {{ headline }}{% if current_company %} at {{ current_company }}{% endif %}{% if location %}, based in {{ location }}{% endif %}.
What we offer: {{ product_description }}
Rules: 2 to 4 sentences, at most 400 characters, a warm tone, one soft call to action,
no placeholders or brackets, no subject line, no sign-off with a name.
"""


class Campaign(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    product_docs = models.TextField(blank=True, default="", help_text="What you sell, in your own words.")
    objective = models.TextField(blank=True, default="", help_text="Who you want to reach and why.")
    followup_template = models.TextField(default=DEFAULT_FOLLOWUP_TEMPLATE)
    booking_link = models.URLField(blank=True, default="")
    active = models.BooleanField(default=False)
    accounts = models.ManyToManyField("LinkedInAccount", blank=True, related_name="campaigns")
    # Partner / kit campaigns: imported with a trained model, gated probabilistically.
    is_partner = models.BooleanField(default=False)
    action_fraction = models.FloatField(default=0.0)
    # Pacing.
    min_action_interval = models.PositiveIntegerField(default=120, help_text="Seconds between major actions.")
    check_pending_after_hours = models.PositiveIntegerField(default=24)
    min_qualifiable_leads = models.PositiveIntegerField(default=50)
    # Qualifier gate.
    entropy_threshold = models.FloatField(default=0.3)
    max_auto_std = models.FloatField(default=0.05)
    min_accept_prob = models.FloatField(default=0.9)
    n_mc_samples = models.PositiveIntegerField(default=100)
    require_human_review = models.BooleanField(default=False, help_text="Send every undecided lead to a human.")
    require_message_approval = models.BooleanField(default=False, help_text="A human approves each follow-up.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccountStatus(models.TextChoices):
    OK = "ok", "OK"
    NEEDS_LOGIN = "needs_login", "Needs login"
    CHECKPOINT = "checkpoint", "Checkpoint"
    PAUSED = "paused", "Paused"


class LinkedInAccount(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="linkedin_accounts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    username = models.CharField(max_length=254, help_text="The e-mail you log in to LinkedIn with.")
    password = EncryptedTextField(blank=True, default="")
    session_state = EncryptedTextField(blank=True, default="")  # Playwright storage_state JSON
    is_sandbox = models.BooleanField(default=False, help_text="Use the LinkedIn simulator instead of linkedin.com.")
    subscribe_newsletter = models.BooleanField(default=True)
    connect_daily_limit = models.PositiveIntegerField(default=20)
    connect_weekly_limit = models.PositiveIntegerField(default=100)
    followup_daily_limit = models.PositiveIntegerField(default=30)
    active = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=AccountStatus.choices, default=AccountStatus.NEEDS_LOGIN)
    status_detail = models.CharField(max_length=500, blank=True, default="")
    country_code = models.CharField(max_length=2, blank=True, default="")
    time_zone = models.CharField(max_length=64, blank=True, default="")
    active_hours_start = models.PositiveSmallIntegerField(default=9)
    active_hours_end = models.PositiveSmallIntegerField(default=18)
    weekly_exhausted_until = models.DateTimeField(null=True, blank=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    next_action_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "username"], name="account_unique_username_per_team")]

    def __str__(self) -> str:
        return self.username + (" (sandbox)" if self.is_sandbox else "")

    @property
    def base_url(self) -> str:
        return settings.SANDBOX_BASE_URL if self.is_sandbox else settings.LINKEDIN_BASE_URL

    @property
    def queue(self) -> str:
        """The Celery queue whose single worker owns this account's browser."""
        return f"account.{self.pk}"


class SearchKeyword(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="keywords")
    keyword = models.CharField(max_length=200)
    used = models.BooleanField(default=False)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "keyword"], name="keyword_unique_per_campaign")]

    def __str__(self) -> str:
        return self.keyword


# Engine state (claims, lane schedules) lives with the engine; imported here so Django registers it.
from outreach.engine.models import ActionClaim, LaneSchedule  # noqa: E402, F401
