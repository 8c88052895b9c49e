from django.urls import path

from . import views

app_name = "cities"
urlpatterns = [
    path("my/cities/register/", views.register, name="register"),
    path("program/cities/", views.registry, name="registry"),
    path("program/cities/new/", views.registry_new, name="registry_new"),
    path("program/cities/<slug:slug>/", views.registry_detail, name="registry_detail"),
]
