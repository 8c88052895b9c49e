from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.create, name="new"),
    path("events/<int:pk>/", views.detail, name="detail"),
    path("events/<int:pk>/register/", views.register, name="register"),
    path("events/<int:pk>/unregister/", views.cancel_registration, name="cancel_registration"),
    path("events/<int:pk>/calendar.ics", views.calendar, name="calendar"),
    path("events/<int:pk>/edit/", views.edit, name="edit"),
    path("events/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("events/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("my/events/", views.mine, name="mine"),
    path("my/events/calendar.ics", views.feed, name="feed"),
    path("my/events/calendar/reset/", views.reset_feed, name="reset_feed"),
]
