"""Screening hits: the API batch endpoint and the staff file-upload page."""

from django.urls import path

from intake.api_screening import ScreenHitBatch
from intake.views_screening import screening_import

urlpatterns = [
    path("screening/import/", screening_import, name="screening-import"),
]
api_urlpatterns = [
    path("screen-hits/", ScreenHitBatch.as_view(), name="api-screen-hits"),
]
