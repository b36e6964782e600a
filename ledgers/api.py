"""Ledgers over the integration API: obligations with their payments, recording a payment, money totals."""

import datetime

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.access import MAX_ID
from casework.errors import InvalidInput
from casework.models import Case, Subject
from ledgers import selectors
from ledgers.access import access_obligation_by_id
from ledgers.models import Ledger, Payment, destination_totals
from ledgers.selectors import MoneyFilter
from ledgers.serializers import (
    LedgerObligationDetailSerializer,
    LedgerObligationSerializer,
    LedgerPaymentCreatedSerializer,
    LedgerPaymentRequestSerializer,
    MoneyTotalsSerializer,
)
from ledgers.services import payment_record
from organisation.models import Region


class ObligationFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=MAX_ID, help_text="case id")
    subject = django_filters.NumberFilter(
        field_name="subject_id", min_value=1, max_value=MAX_ID, help_text="subject id"
    )
    ledger = django_filters.ChoiceFilter(choices=Ledger.choices)
    status = django_filters.ChoiceFilter(
        choices=[("open", "open"), ("paid", "paid")], method="filter_status", help_text="open: balance > 0"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="past the due date, balance > 0")

    def filter_status(self, queryset, name, value):
        return queryset.filter(balance__gt=0) if value == "open" else queryset.filter(balance__lte=0)

    def filter_overdue(self, queryset, name, value):
        late = queryset.overdue().values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)


class ObligationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Amounts due in the separate ledgers that the caller may see: of cases they may view, or imposed by their
    agency."""

    filterset_class = ObligationFilter
    serializer_class = LedgerObligationSerializer

    def get_queryset(self):
        return selectors.obligations_visible_to(self.request.user).with_balance().with_related().by_due_date()

    def get_object(self):
        obligation = access_obligation_by_id(self.request.user, self.kwargs["pk"])
        payments = Payment.objects.select_related("recorded_by").order_by("paid_on", "pk")
        return (
            type(obligation)
            .objects.filter(pk=obligation.pk)
            .with_balance()
            .with_related()
            .prefetch_related(Prefetch("payments", queryset=payments))
            .get()
        )

    def get_serializer_class(self):
        return LedgerObligationDetailSerializer if self.action == "retrieve" else LedgerObligationSerializer

    @extend_schema(request=LedgerPaymentRequestSerializer, responses={201: LedgerPaymentCreatedSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        """Record a payment (finance and asset-recovery officers of the imposing agency); never more than the
        balance."""
        obligation = access_obligation_by_id(request.user, pk, to_pay=True)
        serializer = LedgerPaymentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = payment_record(obligation=obligation, by=request.user, **serializer.validated_data)
        payment.balance = obligation.balance - payment.amount
        return Response(LedgerPaymentCreatedSerializer(payment).data, status=status.HTTP_201_CREATED)


class MoneyTotals(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, description="Region (统筹区) code; includes its sub-regions."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Obligations recorded on or after this date."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Obligations recorded on or before this date."),
            OpenApiParameter("subject_kind", OpenApiTypes.STR, enum=Subject.Kind.values),
            OpenApiParameter("case", OpenApiTypes.INT, description="case id"),
            OpenApiParameter("subject", OpenApiTypes.INT, description="subject id"),
        ],
        responses={200: MoneyTotalsSerializer},
    )
    def get(self, request):
        """Totals {due, paid, balance} per ledger and per destination account, over what the caller may see."""
        filters = _totals_filter(request.query_params)
        by_ledger = filters.apply(selectors.obligations_visible_to(request.user)).totals_by_ledger()
        body = {
            "region": filters.region.code if filters.region else None,
            "date_from": filters.date_from,
            "date_to": filters.date_to,
            "ledgers": by_ledger,
            "destinations": destination_totals(by_ledger),
        }
        return Response(MoneyTotalsSerializer(body).data)


def _totals_filter(params) -> MoneyFilter:
    errors: dict[str, list] = {}
    filters = MoneyFilter()
    if code := params.get("region", "").strip():
        filters.region = Region.objects.filter(code=code).first()
        if filters.region is None:
            errors["region"] = [_("Unknown region code.")]
    for param, attribute in (("from", "date_from"), ("to", "date_to")):
        if value := params.get(param, "").strip():
            try:
                setattr(filters, attribute, datetime.date.fromisoformat(value))
            except ValueError:
                errors[param] = [_("Enter a date as YYYY-MM-DD.")]
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["to"] = [_("The end lies before the start.")]
    if kind := params.get("subject_kind", "").strip():
        if kind in Subject.Kind.values:
            filters.subject_kind = kind
        else:
            errors["subject_kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Subject.Kind.values)}]
    for param, model in (("case", Case), ("subject", Subject)):
        if value := params.get(param, "").strip():
            if value.isdigit() and 0 < int(value) <= MAX_ID:
                setattr(filters, param, model(pk=int(value)))
            else:
                errors[param] = [_("Enter an id.")]
    if errors:
        raise InvalidInput(errors=errors)
    return filters
