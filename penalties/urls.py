"""Penalty pages and the read-only API (included from config/urls.py)."""

from django.urls import path

from penalties import api, views

urlpatterns = [
    path("penalties/", views.penalty_list, name="penalty-list"),
    path("penalties/<int:pk>/", views.penalty_detail, name="penalty-detail"),
    path("tasks/penalty/<int:task_id>/", views.PenaltyTaskView.as_view(), name="penalty-task"),
    path("cases/<int:pk>/decision-extension/", views.decision_extension, name="penalty-extension"),
]

api_urlpatterns = [
    path("penalties/", api.PenaltyViewSet.as_view({"get": "list"}), name="penalty-list"),
    path("penalties/<int:pk>/", api.PenaltyViewSet.as_view({"get": "retrieve"}), name="penalty-detail"),
]
