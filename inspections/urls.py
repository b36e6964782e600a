"""Inspection pages and the inspection-plan API; config/urls.py includes both lists."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from inspections import api, views

urlpatterns = [
    path("inspections/", views.plan_list, name="inspection-plan-list"),
    path("inspections/<int:pk>/", views.plan_detail, name="inspection-plan-detail"),
    path("inspections/<int:pk>/draw/", views.plan_draw, name="inspection-plan-draw"),
    path("inspections/conflicts/", views.own_conflicts, name="inspection-own-conflicts"),
    path("inspections/<int:pk>/review-imports/", views.review_import, name="inspection-review-import"),
    path("inspections/<int:pk>/conflicts/", views.conflict_declare, name="inspection-conflict-declare"),
    path("inspections/<int:pk>/targets/<int:target_pk>/visit/", views.target_visit, name="inspection-target-visit"),
    path(
        "inspections/<int:pk>/targets/<int:target_pk>/record.pdf",
        views.target_record_pdf,
        name="inspection-target-record",
    ),
]

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inspection-plans", api.PlanViewSet, basename="inspection-plan")
api_urlpatterns = router.urls
