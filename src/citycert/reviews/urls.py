from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("program/cities/<slug:slug>/reviewers/", views.assign, name="assign"),
    path("program/cities/<slug:slug>/reviewers/<int:pk>/remove/", views.unassign, name="unassign"),
    path("program/reviews/", views.queue, name="queue"),
    path(
        "program/reviews/<int:pk>/assign/", views.assign_to_assessment, name="assign_to_assessment"
    ),
    path("program/reviews/<int:pk>/decide/", views.decide, name="decide"),
    path("program/reviews/<int:pk>/clarify/", views.clarify, name="clarify"),
    path("program/reviews/<int:pk>/visits/", views.record_interaction, name="record_interaction"),
    path("program/cohorts/", views.cohorts, name="cohorts"),
    path("program/certifications/<int:pk>/correct/", views.correct, name="correct"),
    path("my/reviews/<slug:slug>/declare/", views.declare, name="declare"),
    path("my/reviews/<slug:slug>/", views.review, name="review"),
]
