from django.urls import path

from . import views

app_name = "assessments"
base = "my/cities/<slug:slug>/assessment/"
urlpatterns = [
    path("snapshot/", views.snapshot_form, name="snapshot"),
    path("snapshot/<uuid:pk>/", views.snapshot_result, name="snapshot_result"),
    path("my/network/", views.network_consent, name="network_consent"),
    path(base, views.overview, name="overview"),
    path(base + "start/", views.start, name="start"),
    path(base + "mine/", views.mine, name="mine"),
    path(base + "outcome/", views.outcome, name="outcome"),
    path(base + "submit/", views.submit, name="submit"),
    path(base + "withdraw/", views.withdraw, name="withdraw"),
    path(base + "export.xlsx", views.export_xlsx, name="export"),
    path(base + "import/", views.import_xlsx, name="import"),
    path(base + "criteria/<str:code>/", views.answer, name="answer"),
    path(base + "criteria/<str:code>/assign/", views.assign, name="assign"),
    path(base + "criteria/<str:code>/evidence/", views.upload_evidence, name="upload_evidence"),
    path(
        "my/cities/<slug:slug>/evidence/<int:pk>/",
        views.download_evidence,
        name="download_evidence",
    ),
    path(
        "my/cities/<slug:slug>/evidence/<int:pk>/delete/",
        views.delete_evidence,
        name="delete_evidence",
    ),
]
