from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("network/", views.directory, name="directory"),
    path("network/me/", views.profile, name="profile"),
    path("portfolios/", views.portfolios, name="portfolios"),
    path("portfolios/<slug:slug>/", views.portfolio, name="portfolio"),
    path("portfolios/<slug:slug>/export.csv", views.portfolio_csv, name="portfolio_csv"),
    path("portfolios/<slug:slug>/invite/", views.portfolio_invite, name="portfolio_invite"),
    path("portfolios/<slug:slug>/owners/", views.portfolio_owner, name="portfolio_owner"),
    path("my/cities/<slug:slug>/portfolios/", views.city_portfolios, name="city_portfolios"),
    path(
        "my/cities/<slug:slug>/portfolios/<int:pk>/",
        views.city_portfolio_answer,
        name="city_portfolio_answer",
    ),
]
