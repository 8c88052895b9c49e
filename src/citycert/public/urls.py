from django.urls import path, re_path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/", views.cohorts, name="cohorts"),
    re_path(
        r"^cohorts/(?P<label>[0-9]{4}(?:-[0-9]{2})?)\.json$", views.cohort_json, name="cohort_json"
    ),
    re_path(r"^cohorts/(?P<label>[0-9]{4}(?:-[0-9]{2})?)/$", views.cohort, name="cohort"),
]
