from django.contrib import admin

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
