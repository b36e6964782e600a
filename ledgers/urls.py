"""Money pages and the ledgers API (included by config/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from ledgers import api, views

urlpatterns = [
    path("money/", views.money_overview, name="money-overview"),
    path("money/obligations/", views.obligation_list, name="money-obligations"),
    path("money/obligations/<int:pk>/", views.obligation_detail, name="money-obligation"),
    path("money/payments/new/", views.payment_add, name="money-payment-add"),
    path("money/subjects/<int:pk>/", views.subject_money, name="money-subject"),
]

router = SimpleRouter(trailing_slash=True)
router.register("obligations", api.ObligationViewSet, basename="obligation")

api_urlpatterns = [
    path("money/totals/", api.MoneyTotals.as_view(), name="money-totals"),
    *router.urls,
]
