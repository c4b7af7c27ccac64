from django.apps import AppConfig


class QualifierConfig(AppConfig):
    name = "qualifier"
