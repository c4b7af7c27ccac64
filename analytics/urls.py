from django.urls import path

from analytics import views

urlpatterns = [
    path("analytics/", views.analytics_index, name="analytics"),
    path("analytics/rebuild/", views.analytics_rebuild, name="analytics_rebuild"),
    path("analytics/<slug:mart>.csv", views.analytics_csv, name="analytics_csv"),
]
