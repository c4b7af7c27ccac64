"""The CRM core: teams, leads, companies, contacts, deals on a pipeline, messages, activity.

A lead is one LinkedIn profile per team. Before a deal exists its state is implicit:
discovered (URL only) → enriched (profile scraped) → qualified / disqualified (per campaign).
A qualified lead gets a Deal per campaign, whose stage follows the state machine in
`crm.services` (NEW → PENDING → CONNECTED → COMPLETED, or FAILED).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from crm.fields import EncryptedTextField


class Team(models.Model):
    """A workspace: it owns campaigns, LinkedIn accounts and leads."""

    name = models.CharField(max_length=120)
    llm_api_key = EncryptedTextField(blank=True, default="")
    llm_model = models.CharField(max_length=120, blank=True, default="")
    llm_api_base = models.URLField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"


class Membership(models.Model):
    """A user's place in a team. One team per user keeps every query's scope unambiguous."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    onboarding_step = models.PositiveSmallIntegerField(default=1)
    onboarding_done = models.BooleanField(default=False)
    legal_accepted_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


def _invite_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=_invite_token)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invite to {self.team} ({self.role})"


class Company(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(max_length=255)
    linkedin_url = models.URLField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "companies"
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="company_unique_per_team")]

    def __str__(self) -> str:
        return self.name


class LeadQuerySet(models.QuerySet):
    def discovered(self):
        return self.filter(enriched_at__isnull=True, disqualified=False)

    def enriched(self):
        return self.filter(enriched_at__isnull=False, disqualified=False)


class Lead(models.Model):
    """One LinkedIn profile, once per team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="leads")
    public_id = models.CharField(max_length=200)
    linkedin_url = models.URLField(max_length=500)
    urn = models.CharField(max_length=200, blank=True, default="")
    first_name = models.CharField(max_length=200, blank=True, default="")
    last_name = models.CharField(max_length=200, blank=True, default="")
    headline = models.CharField(max_length=500, blank=True, default="")
    location = models.CharField(max_length=255, blank=True, default="")
    country_code = models.CharField(max_length=8, blank=True, default="")
    company = models.ForeignKey(Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads")
    profile = models.JSONField(default=dict, blank=True)  # the parsed profile
    raw_voyager = models.JSONField(null=True, blank=True)  # the Voyager response it came from
    connection_degree = models.PositiveSmallIntegerField(null=True, blank=True)
    # The campaign whose search or page visit discovered it (for filtering the board).
    source_campaign = models.ForeignKey(
        "outreach.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="discovered_leads"
    )
    disqualified = models.BooleanField(default=False)  # team-wide: never contact (e.g. our own profile)
    discovered_at = models.DateTimeField(default=timezone.now)
    enriched_at = models.DateTimeField(null=True, blank=True)
    enrich_error = models.CharField(max_length=500, blank=True, default="")
    last_activity_at = models.DateTimeField(null=True, blank=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "public_id"], name="lead_unique_public_id_per_team")]
        indexes = [models.Index(fields=["team", "enriched_at"])]

    def __str__(self) -> str:
        return self.full_name or self.public_id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_enriched(self) -> bool:
        return self.enriched_at is not None


class Contact(models.Model):
    """A qualified lead, promoted: the person we work with, linked to their company."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="contacts")
    lead = models.OneToOneField(Lead, on_delete=models.CASCADE, related_name="contact")
    company = models.ForeignKey(Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.lead)


class Stage(models.TextChoices):
    NEW = "new", "New"
    PENDING = "pending", "Pending"
    CONNECTED = "connected", "Connected"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class DealQuerySet(models.QuerySet):
    def in_stage(self, stage: str):
        return self.filter(stage=stage)

    def due(self, now=None):
        """Deals whose next action time has come (or that have none)."""
        now = now or timezone.now()
        return self.filter(models.Q(next_action_at__isnull=True) | models.Q(next_action_at__lte=now))


class Deal(models.Model):
    """One lead in one campaign's pipeline. Change `stage` only through crm.services.deal_move."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="deals")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="deals")
    campaign = models.ForeignKey("outreach.Campaign", on_delete=models.CASCADE, related_name="deals")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.NEW, db_index=True)
    score = models.FloatField(null=True, blank=True)  # the qualifier's probability when qualified
    next_step = models.JSONField(default=dict, blank=True)  # e.g. {"backoff_hours": 48}
    next_action_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lead", "campaign"], name="deal_unique_per_lead_campaign")]
        indexes = [
            models.Index(fields=["campaign", "stage", "next_action_at"]),
            # The kanban's columns: newest stage changes first, per team or per campaign.
            models.Index(fields=["team", "stage", "-stage_changed_at"], name="deal_board_team"),
            models.Index(fields=["campaign", "stage", "-stage_changed_at"], name="deal_board_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.lead} in {self.campaign_id}: {self.stage}"


class MessageDirection(models.TextChoices):
    OUT = "out", "Sent"
    IN = "in", "Received"


class MessageStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    RECEIVED = "received", "Received"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


class Message(models.Model):
    """A chat message with a lead, sent or received, always tied to the campaign it belongs to."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="messages")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="messages")
    campaign = models.ForeignKey(
        "outreach.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    account = models.ForeignKey(
        "outreach.LinkedInAccount", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=MessageDirection.choices, default=MessageDirection.OUT)
    status = models.CharField(max_length=20, choices=MessageStatus.choices, default=MessageStatus.SENT)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "status"])]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.direction} {self.lead}: {self.text[:40]}"


class ActivityResult(models.TextChoices):
    OK = "ok", "OK"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Activity(models.Model):
    """One action taken on a lead (or by an account): who, what, when, and how it went."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="activities")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="activities")
    campaign = models.ForeignKey(
        "outreach.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    account = models.ForeignKey(
        "outreach.LinkedInAccount", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=40, db_index=True)  # e.g. connect, scrape_profile, message, stage
    result = models.CharField(max_length=10, choices=ActivityResult.choices, default=ActivityResult.OK)
    detail = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.result} {self.created_at:%Y-%m-%d %H:%M}"
