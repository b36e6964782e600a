"""The statistics page and API (included by config/urls.py)."""

from django.urls import path

from stats import api, views

urlpatterns = [
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/issue/", views.statistics_issue_view, name="statistics-issue"),
    path("statistics/documents/<int:pk>/pdf/", views.statistics_document_pdf, name="statistics-document-pdf"),
]

api_urlpatterns = [
    path("statistics/results/", api.ResultsTableView.as_view(), name="statistics-results"),
    path("statistics/violations/", api.ViolationsTableView.as_view(), name="statistics-violations"),
]
