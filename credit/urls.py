"""Credit pages and the credit API; config/urls.py includes both lists."""

from django.urls import path

from credit import api, views

urlpatterns = [
    path("credit/", views.credit_home, name="credit-home"),
    path("credit/listings/<int:pk>/remove/", views.blacklisting_remove, name="credit-listing-remove"),
    path("credit/<str:kind>/<str:code>/", views.credit_detail, name="credit-detail"),
    path("credit/<str:kind>/<str:code>/measures/", views.measure_add, name="credit-measure-add"),
]

api_urlpatterns = [
    path("credit/<str:kind>/<str:code>/", api.CreditDetail.as_view(), name="credit-detail"),
]
