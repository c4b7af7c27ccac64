"""The outreach screens, grouped: set-up screens (onboarding, campaigns, accounts, settings) and
work screens (dashboard, pipeline)."""

from outreach.views import pipeline_urls, setup_urls

urlpatterns = [*setup_urls.urlpatterns, *pipeline_urls.urlpatterns]
