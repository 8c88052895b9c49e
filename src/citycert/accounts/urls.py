from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path("my/tokens/", views.tokens, name="tokens"),
    path("my/language/", views.email_language, name="email_language"),
    path("my/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("my/cities/<slug:slug>/", views.team, name="team"),
    path("my/cities/<slug:slug>/invite/", views.invite, name="invite"),
    path(
        "my/cities/<slug:slug>/invitations/<int:pk>/withdraw/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("my/cities/<slug:slug>/members/<int:pk>/role/", views.change_role, name="change_role"),
    path(
        "my/cities/<slug:slug>/members/<int:pk>/remove/", views.remove_member, name="remove_member"
    ),
    path("my/cities/<slug:slug>/hand-over/", views.hand_over, name="hand_over"),
    path("my/cities/<slug:slug>/honor-roll/", views.honor_roll, name="honor_roll"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("program/people/", views.people, name="people"),
    path("program/people/<int:pk>/revoke/", views.revoke_role, name="revoke_role"),
    path("program/audit/", views.audit, name="audit"),
]
