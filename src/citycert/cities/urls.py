from django.urls import path

from . import views

app_name = "cities"
urlpatterns = [
    path("my/cities/register/", views.register, name="register"),
    path("program/cities/", views.registry, name="registry"),
    path("program/cities/new/", views.registry_new, name="registry_new"),
    path("program/cities/<slug:slug>/", views.registry_detail, name="registry_detail"),
    path("program/claims/", views.claims, name="claims"),
    path("program/claims/<int:pk>/decide/", views.decide_claim, name="decide_claim"),
    path("my/cities/<slug:slug>/requests/<int:pk>/decide/", views.decide_join, name="decide_join"),
]
