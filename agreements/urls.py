"""Agreement pages and API endpoints; config/urls.py includes both lists."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from agreements import api, views

urlpatterns = [
    path("agreements/", views.action_list_view, name="agreement-list"),
    path("agreements/<int:pk>/", views.action_detail_view, name="agreement-detail"),
    path("agreements/<int:pk>/documents/<int:document_id>/pdf/", views.notice_pdf, name="agreement-notice-pdf"),
    path("agreements/tasks/<int:task_id>/", views.AgreementTaskView.as_view(), name="agreement-task"),
]

router = SimpleRouter(trailing_slash=True)
router.register("agreement-actions", api.AgreementActionViewSet, basename="agreement-action")
api_urlpatterns = router.urls
