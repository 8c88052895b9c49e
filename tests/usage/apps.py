from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "tests.usage"
    label = "usage"
