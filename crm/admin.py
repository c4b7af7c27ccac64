from django.contrib import admin

from crm.models import Activity, Company, Contact, Deal, Invitation, Lead, Membership, Message, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "llm_model", "created_at")
    search_fields = ("name",)
    exclude = ("llm_api_key",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "role", "onboarding_done", "legal_accepted_at")
    list_filter = ("role", "onboarding_done")
    search_fields = ("user__username", "team__name")
    raw_id_fields = ("user", "team")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("team", "role", "created_by", "created_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("team__name",)
    raw_id_fields = ("team", "created_by", "accepted_by")


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "created_at")
    list_filter = ("team",)
    search_fields = ("name",)


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("public_id", "first_name", "last_name", "headline", "team", "disqualified", "enriched_at")
    list_filter = ("team", "disqualified", "connection_degree")
    search_fields = ("public_id", "first_name", "last_name", "headline")
    raw_id_fields = ("team", "company", "source_campaign")
    date_hierarchy = "discovered_at"


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("lead", "company", "team", "created_at")
    list_filter = ("team",)
    search_fields = ("lead__public_id", "lead__first_name", "lead__last_name", "company__name")
    raw_id_fields = ("team", "lead", "company")


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ("lead", "campaign", "stage", "score", "next_action_at", "stage_changed_at")
    list_filter = ("stage", "campaign", "team")
    search_fields = ("lead__public_id", "lead__first_name", "lead__last_name")
    raw_id_fields = ("team", "lead", "campaign")
    readonly_fields = ("stage",)  # stages change through crm.services.deal_move only


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("lead", "campaign", "direction", "status", "created_at", "sent_at")
    list_filter = ("direction", "status", "team")
    search_fields = ("text", "lead__public_id")
    raw_id_fields = ("team", "lead", "campaign", "account")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "result", "lead", "campaign", "account", "user")
    list_filter = ("kind", "result", "team")
    search_fields = ("detail", "lead__public_id")
    raw_id_fields = ("team", "lead", "campaign", "account", "user")
    date_hierarchy = "created_at"
