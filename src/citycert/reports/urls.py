from django.urls import path

from . import views

app_name = "reports"
base = "my/cities/<slug:slug>/reports/"
urlpatterns = [
    path(base, views.index, name="index"),
    path(base + "assessments/<int:pk>/", views.assessment_report, name="assessment"),
    path(base + "snapshots/<uuid:pk>/", views.snapshot_report, name="snapshot"),
    path(base + "pdf/<int:pk>/", views.pdf_status, name="pdf_status"),
    path(base + "pdf/<int:pk>/retry/", views.pdf_retry, name="pdf_retry"),
    path(base + "pdf/<int:pk>/download/", views.pdf_download, name="pdf_download"),
]
