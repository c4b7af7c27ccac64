from django.contrib import admin

from qualifier.models import Embedding, Label, ModelState, ReviewItem


@admin.register(Embedding)
class EmbeddingAdmin(admin.ModelAdmin):
    list_display = ("lead", "model_name", "dim", "created_at")
    list_filter = ("model_name",)
    search_fields = ("lead__public_id",)
    raw_id_fields = ("lead",)
    exclude = ("vector",)


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ("lead", "campaign", "qualified", "source", "probability", "created_at")
    list_filter = ("qualified", "source", "campaign")
    search_fields = ("lead__public_id", "reason")
    raw_id_fields = ("lead", "campaign", "user")


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ("lead", "campaign", "status", "why", "is_audit", "probability", "created_at")
    list_filter = ("status", "is_audit", "campaign")
    search_fields = ("lead__public_id",)
    raw_id_fields = ("lead", "campaign")


@admin.register(ModelState)
class ModelStateAdmin(admin.ModelAdmin):
    list_display = ("campaign", "n_labels", "n_positive", "fitted_at", "gate_enabled", "holdout_accuracy")
    list_filter = ("gate_enabled",)
    raw_id_fields = ("campaign",)
