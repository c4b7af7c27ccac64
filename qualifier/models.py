"""Qualifier data: embeddings, labels (auto / LLM / human) and the human review queue.

Embeddings live in the app's own database (SQLite in WAL mode or PostgreSQL) as float32 bytes:
every web and worker process can read and write them at once under the database's own locking,
which a single-writer DuckDB file cannot offer under Celery.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Embedding(models.Model):
    lead = models.OneToOneField("crm.Lead", on_delete=models.CASCADE, related_name="embedding")
    model_name = models.CharField(max_length=200)
    dim = models.PositiveSmallIntegerField(default=384)
    vector = models.BinaryField()  # float32, little-endian, `dim` values
    text_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"embedding of lead {self.lead_id}"


class LabelSource(models.TextChoices):
    AUTO = "auto", "Model"
    LLM = "llm", "LLM"
    HUMAN = "human", "Human"


class Label(models.Model):
    """The current qualification decision for a lead in a campaign. A human label overrides others."""

    campaign = models.ForeignKey("outreach.Campaign", on_delete=models.CASCADE, related_name="labels")
    lead = models.ForeignKey("crm.Lead", on_delete=models.CASCADE, related_name="labels")
    qualified = models.BooleanField()
    source = models.CharField(max_length=6, choices=LabelSource.choices)
    reason = models.TextField(blank=True, default="")
    probability = models.FloatField(null=True, blank=True)
    entropy = models.FloatField(null=True, blank=True)
    std = models.FloatField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "lead"], name="label_unique_per_campaign_lead")]
        indexes = [models.Index(fields=["campaign", "source"])]

    def __str__(self) -> str:
        return f"{'qualified' if self.qualified else 'disqualified'} by {self.source}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class ReviewItem(models.Model):
    """A lead the model could not decide, waiting for a human (or an audit sample of an auto-decision)."""

    campaign = models.ForeignKey("outreach.Campaign", on_delete=models.CASCADE, related_name="review_items")
    lead = models.ForeignKey("crm.Lead", on_delete=models.CASCADE, related_name="review_items")
    status = models.CharField(max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    why = models.CharField(max_length=200, blank=True, default="")  # e.g. "no LLM configured", "audit"
    is_audit = models.BooleanField(default=False)
    probability = models.FloatField(null=True, blank=True)
    entropy = models.FloatField(null=True, blank=True)
    std = models.FloatField(null=True, blank=True)
    llm_reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "lead"], name="review_unique_per_campaign_lead")]
        indexes = [models.Index(fields=["campaign", "status", "created_at"])]

    def __str__(self) -> str:
        return f"review {self.lead_id} in {self.campaign_id}: {self.status}"


class ModelState(models.Model):
    """What the UI needs to know about a campaign's qualifier without loading it."""

    campaign = models.OneToOneField("outreach.Campaign", on_delete=models.CASCADE, related_name="model_state")
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    n_labels = models.PositiveIntegerField(default=0)
    n_positive = models.PositiveIntegerField(default=0)
    fitted_at = models.DateTimeField(null=True, blank=True)
    fit_seconds = models.FloatField(null=True, blank=True)
    gate_enabled = models.BooleanField(default=False)
    gate_note = models.CharField(max_length=300, blank=True, default="")
    holdout_accuracy = models.FloatField(null=True, blank=True)
    # Set when a refit task is queued, cleared when it starts: one queued refit per campaign.
    refit_queued = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"model of campaign {self.campaign_id}"
