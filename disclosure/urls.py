"""Disclosure pages and the public API; config/urls.py includes both lists."""

from django.urls import path

from disclosure import api, views

urlpatterns = [
    path("disclosures/", views.public_list, name="disclosure-public-list"),
    path("disclosures/<int:pk>/", views.public_detail, name="disclosure-public-detail"),
    path("disclosures/<int:pk>/draw-record.json", views.public_draw_record, name="disclosure-draw-record"),
    path("disclosures/manage/", views.manage_list, name="disclosure-manage"),
    path("disclosures/manage/<int:pk>/", views.manage_detail, name="disclosure-manage-detail"),
    path("disclosures/manage/<int:pk>/publish/", views.publish, name="disclosure-publish"),
    path("disclosures/manage/<int:pk>/withdraw/", views.withdraw, name="disclosure-withdraw"),
]

api_urlpatterns = [
    path("public/disclosures/", api.PublicDisclosureList.as_view(), name="public-disclosures"),
]
