from django.urls import path

from . import views

app_name = "standards"
urlpatterns = [
    path("", views.version_list, name="list"),
    path("<str:code>/", views.version_detail, name="detail"),
]
