from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from agreements import urls as urls_agreements
from assists import api as assists_api
from assists import urls as urls_assists
from casework import urls_evidence
from casework import views as casework_views
from casework.api import CaseViewSet, LeadViewSet, SubjectViewSet
from config import live_counts
from config import views as config_views
from credit import urls as urls_credit
from disclosure import urls as urls_disclosure
from documents import views as document_views
from documents.api import DocumentDetail, DocumentPdf, DocumentVerify
from inspections import urls as urls_inspections
from inspections import urls_actions as urls_inspection_actions
from intake import urls_public, urls_screening, urls_staff
from ledgers import urls as urls_ledgers
from organisation.api import ObtainToken, healthz
from organisation.login_throttle import ThrottledLoginView
from penalties import urls as urls_penalties
from ratings import urls as urls_ratings
from recoveries import urls as urls_recoveries
from referrals import urls as urls_referrals
from rewards import api as api_rewards
from rewards import urls as urls_rewards
from stats import urls as urls_stats
from workflows import views as workflow_views
from workflows import views_investigation, views_outcome

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("leads", LeadViewSet, basename="lead")
router.register("cases", CaseViewSet, basename="case")
router.register("subjects", SubjectViewSet, basename="subject")

api_v1 = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("documents/verify/", DocumentVerify.as_view(), name="api-document-verify"),
    path("documents/<int:pk>/", DocumentDetail.as_view(), name="api-document-detail"),
    path("documents/<int:pk>/pdf/", DocumentPdf.as_view(), name="api-document-pdf"),
    *urls_public.api_urlpatterns,
    *urls_screening.api_urlpatterns,
    *urls_staff.api_urlpatterns,
    *urls_penalties.api_urlpatterns,
    *urls_ledgers.api_urlpatterns,
    *urls_agreements.api_urlpatterns,
    *urls_referrals.api_urlpatterns,
    *api_rewards.urlpatterns,
    *urls_recoveries.api_urlpatterns,
    *urls_stats.api_urlpatterns,
    *urls_credit.api_urlpatterns,
    *urls_inspections.api_urlpatterns,
    *assists_api.api_urlpatterns,
    *urls_disclosure.api_urlpatterns,
    path("", include(router.urls)),
]

urlpatterns = [
    path("", config_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("live/counts/", live_counts.live_counts, name="live-counts"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tasks/", workflow_views.task_list, name="task-list"),
    path("tasks/<int:task_id>/", workflow_views.TriageTaskView.as_view(), name="triage-task"),
    path(
        "tasks/investigation/<int:task_id>/",
        views_investigation.InvestigationTaskView.as_view(),
        name="investigation-task",
    ),
    path("tasks/outcome/<int:task_id>/", views_outcome.OutcomeTaskView.as_view(), name="outcome-task"),
    path("cases/<int:pk>/investigation/assign/", views_investigation.assign, name="investigation-assign"),
    path("cases/<int:pk>/violations/new/", views_investigation.violation_add, name="violation-add"),
    path("violations/<int:pk>/remove/", views_investigation.violation_remove, name="violation-remove"),
    path("leads/", casework_views.lead_list, name="lead-list"),
    path("leads/new/", casework_views.lead_register, name="lead-register"),
    path("leads/<int:pk>/", casework_views.lead_detail, name="lead-detail"),
    path("cases/", casework_views.case_list, name="case-list"),
    path("cases/<int:pk>/", casework_views.case_detail, name="case-detail"),
    path("cases/<int:pk>/withdraw/", casework_views.case_withdraw, name="case-withdraw"),
    path("documents/verify/", document_views.document_verify_page, name="document-verify"),
    path("documents/<int:pk>/", document_views.document_detail, name="document-detail"),
    path("documents/<int:pk>/pdf/", document_views.document_pdf, name="document-pdf"),
    *urls_evidence.urlpatterns,
    *urls_public.urlpatterns,
    *urls_screening.urlpatterns,
    *urls_staff.urlpatterns,
    *urls_penalties.urlpatterns,
    *urls_ledgers.urlpatterns,
    *urls_agreements.urlpatterns,
    *urls_referrals.urlpatterns,
    *urls_rewards.urlpatterns,
    *urls_recoveries.urlpatterns,
    *urls_stats.urlpatterns,
    *urls_ratings.urlpatterns,
    *urls_credit.urlpatterns,
    *urls_inspections.urlpatterns,
    *urls_inspection_actions.urlpatterns,
    *urls_disclosure.urlpatterns,
    *urls_assists.urlpatterns,
    path("", include("stats.urls_dashboard")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = config_views.api_not_found
handler500 = config_views.server_error
