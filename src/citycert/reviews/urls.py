from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("program/reviews/", views.queue, name="queue"),
    path(
        "program/reviews/<int:pk>/assign/", views.assign_to_assessment, name="assign_to_assessment"
    ),
    path(
        "program/reviews/<int:pk>/reviewers/<int:assignment>/remove/",
        views.remove_reviewer,
        name="remove_reviewer",
    ),
    path("program/reviews/<int:pk>/decide/", views.decide, name="decide"),
    path("program/reviews/<int:pk>/clarify/", views.clarify, name="clarify"),
    path("program/reviews/<int:pk>/visits/", views.record_interaction, name="record_interaction"),
    path("program/cohorts/", views.cohorts, name="cohorts"),
    path("program/certifications/<int:pk>/correct/", views.correct, name="correct"),
    path("program/appeals/", views.appeal_list, name="appeals"),
    path("program/appeals/<int:pk>/", views.appeal_admin, name="appeal_admin"),
    path("program/appeals/<int:pk>/panel/", views.add_panelist, name="add_panelist"),
    path("program/rules/", views.rules_page, name="rules"),
    path("program/renewals/", views.renewals, name="renewals"),
    path("my/reviews/<slug:slug>/declare/", views.declare, name="declare"),
    path("my/reviews/<slug:slug>/", views.review, name="review"),
    path(
        "my/cities/<slug:slug>/assessment/clarifications/<int:pk>/answer/",
        views.answer_clarification,
        name="answer_clarification",
    ),
    path("my/cities/<slug:slug>/appeal/", views.appeal_new, name="appeal_new"),
    path("my/cities/<slug:slug>/appeals/<int:pk>/", views.appeal, name="appeal"),
    path(
        "my/cities/<slug:slug>/appeals/<int:pk>/files/",
        views.appeal_add_file,
        name="appeal_add_file",
    ),
    path(
        "my/cities/<slug:slug>/appeals/<int:pk>/files/<int:file>/",
        views.appeal_file,
        name="appeal_file",
    ),
    path(
        "my/cities/<slug:slug>/appeals/<int:pk>/declare/",
        views.panel_declare,
        name="panel_declare",
    ),
    path("my/cities/<slug:slug>/appeals/<int:pk>/recommend/", views.recommend, name="recommend"),
]
