from django.urls import path, re_path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("cohorts/", views.cohorts, name="cohorts"),
    re_path(
        r"^cohorts/(?P<label>[0-9]{4}(?:-[0-9]{2})?)\.json$", views.cohort_json, name="cohort_json"
    ),
    re_path(r"^cohorts/(?P<label>[0-9]{4}(?:-[0-9]{2})?)/$", views.cohort, name="cohort"),
    path("cities/", views.directory, name="directory"),
    path("cities/map/", views.map_page, name="map"),
    path("cities/map.svg", views.map_svg, name="map_svg"),
    path("cities/<slug:slug>/", views.profile, name="profile"),
    path("stats/", views.stats, name="stats"),
    # The format is chosen by the suffix alone, never by the Accept header.
    path("badge/<slug:slug>.svg", views.badge_svg, name="badge_svg"),
    path("badge/<slug:slug>.shields.json", views.badge_shields, name="badge_shields"),
    path("badge/<slug:slug>.json", views.badge_json, name="badge_json"),
    path("data/", views.data_page, name="data"),
    path("data/datapackage.json", views.datapackage, name="datapackage"),
    re_path(
        r"^data/(?P<dataset>[a-z]+)\.(?P<fmt>csv|json|geojson)$", views.data_file, name="data_file"
    ),
    path("my/cities/<slug:slug>/public-profile/", views.edit_profile, name="edit_profile"),
]
