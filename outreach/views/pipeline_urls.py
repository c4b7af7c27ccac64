"""URL patterns of the work screens: the pipeline kanban and the lead drawer."""

from django.urls import path

from outreach.views import pipeline, pipeline_lead

urlpatterns: list = [
    path("pipeline/", pipeline.board, name="pipeline"),
    path("pipeline/column/<slug:key>/", pipeline.column_page, name="pipeline_column"),
    path("pipeline/move/", pipeline.move, name="pipeline_move"),
    path("leads/<int:pk>/", pipeline_lead.lead_detail, name="lead_detail"),
]
