"""The dashboard page (included by config/urls.py)."""

from django.urls import path

from stats import dashboard_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_view, name="dashboard"),
]
