"""URL patterns of the set-up screens: onboarding, campaigns, accounts, team settings."""

from django.urls import path

from outreach.views import (
    setup_accounts,
    setup_campaigns,
    setup_kits,
    setup_login,
    setup_onboarding,
    setup_preview,
    setup_settings,
)

urlpatterns = [
    path("onboarding/", setup_onboarding.onboarding, name="onboarding"),
    path("onboarding/<int:step>/", setup_onboarding.onboarding_step, name="onboarding_step"),
    path("onboarding/test-llm/", setup_onboarding.onboarding_test_llm, name="onboarding_test_llm"),
    path("campaigns/", setup_campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", setup_campaigns.campaign_new, name="campaign_new"),
    path("campaigns/new/preview/", setup_preview.campaign_preview, name="campaign_preview_new"),
    path("campaigns/import/", setup_kits.campaign_import, name="campaign_import"),
    path("campaigns/<int:pk>/", setup_campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/preview/", setup_preview.campaign_preview, name="campaign_preview"),
    path("campaigns/<int:pk>/toggle/", setup_campaigns.campaign_toggle, name="campaign_toggle"),
    path(
        "campaigns/<int:pk>/thresholds/defaults/",
        setup_campaigns.campaign_threshold_defaults,
        name="campaign_threshold_defaults",
    ),
    path("campaigns/<int:pk>/kit/", setup_kits.campaign_export, name="campaign_export"),
    path("accounts/", setup_accounts.account_list, name="account_list"),
    path("accounts/new/", setup_accounts.account_new, name="account_new"),
    path("accounts/<int:pk>/", setup_accounts.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", setup_accounts.account_edit, name="account_edit"),
    path("accounts/<int:pk>/toggle/", setup_accounts.account_toggle, name="account_toggle"),
    path("accounts/<int:pk>/relogin/", setup_accounts.account_relogin, name="account_relogin"),
    path("accounts/<int:pk>/login-test/", setup_login.login_test_status, name="login_test_status"),
    path("settings/", setup_settings.settings_page, name="settings"),
    path("settings/members/<int:pk>/role/", setup_settings.member_role, name="member_role"),
    path("settings/members/<int:pk>/remove/", setup_settings.member_remove, name="member_remove"),
    path("settings/invites/", setup_settings.invite_create, name="invite_create"),
    path("settings/invites/<int:pk>/revoke/", setup_settings.invite_revoke, name="invite_revoke"),
]
