"""Django Admin stays available to staff: every model is registered, and its list, search and
filters render with data in them."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from tests.factories import ActivityFactory, DealFactory, MessageFactory, ReviewItemFactory, SearchKeywordFactory

pytestmark = pytest.mark.django_db

OUR_APPS = ("crm", "outreach", "qualifier")


def test_every_model_of_ours_is_in_the_admin():
    missing = [
        m.__name__ for app in OUR_APPS for m in apps.get_app_config(app).get_models() if m not in admin.site._registry
    ]
    assert missing == []


def test_staff_can_list_search_and_filter_every_model(django_user_model):
    DealFactory()
    MessageFactory()
    ActivityFactory()
    ReviewItemFactory()
    SearchKeywordFactory()
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456789"))
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "x"}).status_code == 200, url
        assert model_admin.list_display != ("__str__",), f"{url} has no useful columns"


def test_non_staff_users_are_sent_to_the_admin_login(owner_client):
    resp = owner_client.get("/admin/crm/lead/")
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]
