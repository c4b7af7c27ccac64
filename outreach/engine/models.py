"""Engine state kept in the database: action claims and lane schedules.

Registered in the `outreach` app (imported from `outreach.models`).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ClaimKind(models.TextChoices):
    CONNECT = "connect", "Connection request"
    FOLLOWUP = "followup", "Follow-up message"


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed"  # in flight, or its worker died mid-action
    DONE = "done", "Done"
    RELEASED = "released", "Released"  # did not happen; does not count, can be claimed again


class ActionClaim(models.Model):
    """The right to send one invitation or one follow-up to one lead, taken before the browser acts.

    Unique on (kind, lead, scope): scope is 0 for a connection request (one per lead of the team,
    whichever account or campaign) and the campaign id for a follow-up. Claims that are claimed or
    done count against the account's limits on the account-local `day` they were taken.
    """

    team = models.ForeignKey("crm.Team", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("outreach.LinkedInAccount", on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=10, choices=ClaimKind.choices)
    lead = models.ForeignKey("crm.Lead", on_delete=models.CASCADE, related_name="claims")
    campaign = models.ForeignKey(
        "outreach.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scope = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED)
    day = models.DateField()
    attempts = models.PositiveSmallIntegerField(default=1)
    detail = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "outreach"
        constraints = [models.UniqueConstraint(fields=["kind", "lead", "scope"], name="claim_once_per_lead_scope")]
        indexes = [models.Index(fields=["account", "kind", "day"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.lead_id} by {self.account_id}: {self.status}"


class Lane(models.TextChoices):
    CONNECT = "connect", "Connect"
    CHECK_PENDING = "check_pending", "Check pending"
    FOLLOW_UP = "follow_up", "Follow up"
    SEARCH = "search", "Search"
    ENRICH = "enrich", "Enrich"
    QUALIFY = "qualify", "Qualify"
    KEYWORDS = "keywords", "Keyword refill"


class LaneSchedule(models.Model):
    """When a lane of a campaign (on one account, or campaign-wide when account is empty) may run next."""

    campaign = models.ForeignKey("outreach.Campaign", on_delete=models.CASCADE, related_name="lane_schedules")
    account = models.ForeignKey(
        "outreach.LinkedInAccount", on_delete=models.CASCADE, null=True, blank=True, related_name="lane_schedules"
    )
    lane = models.CharField(max_length=16, choices=Lane.choices)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    idle = models.BooleanField(default=False)  # the last run found nothing to do
    last_result = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        app_label = "outreach"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "account", "lane"], name="lane_once_per_campaign_account"),
            models.UniqueConstraint(
                fields=["campaign", "lane"], condition=Q(account__isnull=True), name="lane_once_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lane} of {self.campaign_id}/{self.account_id}"
