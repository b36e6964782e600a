"""Inspection-plan API (and pages); config/urls.py includes the lists."""

from rest_framework.routers import DefaultRouter

from inspections import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inspection-plans", api.PlanViewSet, basename="inspection-plan")
api_urlpatterns = router.urls
