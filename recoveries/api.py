"""Recoveries over the API: list and detail for whoever may read them; payments recorded by the bureau's
asset-recovery officers and the court's liaisons. Errors in the api.md shape (config.api.exception_handler)."""

import django_filters
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.errors import InvalidInput
from recoveries import services
from recoveries.access import access_debtor_by_id, access_recovery_by_id
from recoveries.models import Recovery, Status
from recoveries.selectors import recovery_detail, recovery_list
from recoveries.serializers import (
    RecoveryDetailSerializer,
    RecoveryPaymentCreatedSerializer,
    RecoveryPaymentRequestSerializer,
    RecoverySerializer,
)


class RecoveryFilter(django_filters.FilterSet):
    court = django_filters.CharFilter(method="filter_court", help_text="court agency id or code")
    status = django_filters.ChoiceFilter(choices=Status.choices, help_text="following | enforcing | closed")
    debtor = django_filters.CharFilter(method="filter_debtor", help_text="part of a debtor's name")
    overdue = django_filters.BooleanFilter(field_name="overdue", help_text="an instalment or promise past due")

    class Meta:
        model = Recovery
        fields = ["court", "status", "debtor", "overdue"]

    def filter_court(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(court_id=int(value))
        return queryset.filter(court__code=value)

    def filter_debtor(self, queryset, name, value):
        return queryset.with_debtor_named(value.strip()) if value.strip() else queryset


class RecoveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Court asset recoveries (退赔/追缴) the caller may see."""

    filterset_class = RecoveryFilter
    serializer_class = RecoverySerializer
    queryset = Recovery.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        return recovery_list(user=self.request.user)

    def get_object(self):
        return access_recovery_by_id(self.request.user, self.kwargs["pk"])

    def _detail(self, recovery, *, status_code=status.HTTP_200_OK):
        recovery = Recovery.objects.with_related().with_money().with_status().with_overdue().get(pk=recovery.pk)
        context = {"request": self.request, "detail": recovery_detail(recovery)}
        return Response(RecoveryDetailSerializer(recovery, context=context).data, status=status_code)

    @extend_schema(responses=RecoveryDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request=RecoveryPaymentRequestSerializer, responses={201: RecoveryPaymentCreatedSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        """Record a payment by one debtor; never more than the debtor's balance (400)."""
        recovery = access_recovery_by_id(request.user, pk, perm=services.RECORD)
        data = RecoveryPaymentRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            debtor = access_debtor_by_id(fields.pop("debtor"), recovery=recovery)
        except Http404:
            raise InvalidInput(errors={"debtor": [_("Not a debtor of this recovery.")]}) from None
        payment = services.payment_record(debtor=debtor, by=request.user, **fields)
        payment.balance = services.debtor_balance(debtor)
        return Response(RecoveryPaymentCreatedSerializer(payment).data, status=status.HTTP_201_CREATED)
