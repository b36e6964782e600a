"""Staff intake pages."""

from django.urls import path

from intake import views_staff

urlpatterns = [
    path("intake/", views_staff.inbox, name="intake-inbox"),
    path("intake/reports/new/", views_staff.report_register, name="intake-report-register"),
    path("intake/reports/<int:pk>/", views_staff.report_detail, name="intake-report"),
    path("intake/reports/<int:pk>/reply/", views_staff.report_reply, name="intake-report-reply"),
    path("intake/reports/<int:pk>/notes/", views_staff.report_note, name="intake-report-note"),
    path("intake/reports/<int:pk>/acknowledge/", views_staff.report_acknowledge, name="intake-report-acknowledge"),
    path(
        "intake/reports/<int:pk>/result-notice/", views_staff.report_result_notice, name="intake-report-result-notice"
    ),
    path("intake/attachments/<int:pk>/", views_staff.attachment_download, name="intake-attachment"),
]
api_urlpatterns = []
