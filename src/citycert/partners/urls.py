from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("my/engagements/", views.mine, name="mine"),
    path("my/cities/<slug:slug>/engagements/", views.city_engagements, name="city_engagements"),
    path("my/cities/<slug:slug>/engagements/invite/", views.invite, name="invite"),
    path("my/cities/<slug:slug>/engagements/<int:pk>/", views.engagement, name="engagement"),
    path("my/cities/<slug:slug>/engagements/<int:pk>/accept/", views.accept, name="accept"),
    path("my/cities/<slug:slug>/engagements/<int:pk>/decline/", views.decline, name="decline"),
    path("my/cities/<slug:slug>/engagements/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("my/cities/<slug:slug>/engagements/<int:pk>/close/", views.close, name="close"),
    path(
        "my/cities/<slug:slug>/engagements/<int:pk>/sessions/new/",
        views.log_session,
        name="log_session",
    ),
]
