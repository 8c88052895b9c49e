from django.urls import path

from . import health, metrics

app_name = "operations"
urlpatterns = [
    path("health/live", health.live, name="live"),
    path("health/ready", health.ready, name="ready"),
    path("metrics", metrics.view, name="metrics"),
]
