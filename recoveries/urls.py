"""Recovery pages and API endpoints; config/urls.py includes both lists."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from recoveries import api, views

urlpatterns = [
    path("recoveries/", views.recovery_list_view, name="recovery-list"),
    path("recoveries/<int:pk>/", views.recovery_detail_view, name="recovery-detail"),
    path("cases/<int:pk>/recoveries/new/", views.recovery_open_view, name="recovery-open"),
]

router = SimpleRouter(trailing_slash=True)
router.register("recoveries", api.RecoveryViewSet, basename="recovery")
api_urlpatterns = router.urls
