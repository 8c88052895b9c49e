from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("program/cities/<slug:slug>/reviewers/", views.assign, name="assign"),
    path("program/cities/<slug:slug>/reviewers/<int:pk>/remove/", views.unassign, name="unassign"),
]
