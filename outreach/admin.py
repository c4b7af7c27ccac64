from django.contrib import admin

from outreach.engine.models import ActionClaim, LaneSchedule
from outreach.models import Campaign, LinkedInAccount, SearchKeyword


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "active", "is_partner", "action_fraction", "min_action_interval")
    list_filter = ("active", "is_partner", "team")
    search_fields = ("name", "objective")
    raw_id_fields = ("team", "created_by")
    filter_horizontal = ("accounts",)


@admin.register(LinkedInAccount)
class LinkedInAccountAdmin(admin.ModelAdmin):
    list_display = ("username", "team", "status", "active", "is_sandbox", "connect_daily_limit", "connect_weekly_limit")
    list_filter = ("status", "active", "is_sandbox", "team")
    search_fields = ("username",)
    raw_id_fields = ("team", "owner")
    exclude = ("password", "session_state")  # secrets are never rendered back


@admin.register(SearchKeyword)
class SearchKeywordAdmin(admin.ModelAdmin):
    list_display = ("keyword", "campaign", "used", "used_at")
    list_filter = ("used", "campaign")
    search_fields = ("keyword",)
    raw_id_fields = ("campaign",)


@admin.register(ActionClaim)
class ActionClaimAdmin(admin.ModelAdmin):
    list_display = ("kind", "lead", "account", "campaign", "status", "day", "attempts", "created_at")
    list_filter = ("kind", "status", "day")
    search_fields = ("lead__public_id", "account__username", "detail")
    raw_id_fields = ("team", "account", "lead", "campaign")
    date_hierarchy = "created_at"


@admin.register(LaneSchedule)
class LaneScheduleAdmin(admin.ModelAdmin):
    list_display = ("campaign", "account", "lane", "next_run_at", "last_run_at", "idle", "last_result")
    list_filter = ("lane", "idle")
    search_fields = ("campaign__name", "account__username", "last_result")
    raw_id_fields = ("campaign", "account")
