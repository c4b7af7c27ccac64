"""URL patterns of this group of screens."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
