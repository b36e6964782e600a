"""The public report page and API (no account): submit, follow with receipt code and secret, write back."""

from django.urls import path

from intake import api_public, views_public

urlpatterns = [
    path("report/", views_public.report_form, name="public-report"),
    path("report/status/", views_public.report_status, name="public-report-status"),
    path("report/status/message/", views_public.report_message, name="public-report-message"),
    path("report/status/end/", views_public.report_end, name="public-report-end"),
]
api_urlpatterns = [
    path("public/reports/", api_public.PublicReportCreate.as_view(), name="public-report-create"),
    path("public/reports/<str:receipt_code>/", api_public.PublicReportStatus.as_view(), name="public-report-status"),
    path(
        "public/reports/<str:receipt_code>/messages/",
        api_public.PublicReportMessageCreate.as_view(),
        name="public-report-message-create",
    ),
]
