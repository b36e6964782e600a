"""Agreement sanctions over the API: list and detail for whoever may read them; the handling agency's
steps for its agreement managers. Errors in the api.md shape (config.api.exception_handler)."""

import django_filters
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response

from agreements import services, steps
from agreements.access import ACT, access_action_by_id, access_measure_by_id
from agreements.models import AgreementAction
from agreements.selectors import action_detail, action_list
from agreements.serializers import (
    AgreementActionDetailSerializer,
    AgreementActionSerializer,
    CheckInSerializer,
    DecisionInSerializer,
    MeasureInSerializer,
    NoticeInSerializer,
    StatementInSerializer,
)
from casework.access import parse_id
from documents.api import pdf_response
from documents.models import Document


class AgreementActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AgreementAction.Status.choices)
    case = django_filters.NumberFilter(field_name="case_id", help_text="case id")
    overdue = django_filters.BooleanFilter(field_name="overdue", help_text="a deadline open and past due")

    class Meta:
        model = AgreementAction
        fields = ["status", "case", "overdue"]


class AgreementActionViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = AgreementActionFilter
    serializer_class = AgreementActionSerializer
    queryset = AgreementAction.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        return action_list(user=self.request.user)

    def get_object(self):
        return access_action_by_id(self.request.user, self.kwargs["pk"])

    def _detail_response(self, action, *, status_code=status.HTTP_200_OK):
        action = AgreementAction.objects.with_related().get(pk=action.pk)
        context = {"request": self.request, "action": action, "detail": action_detail(action)}
        return Response(AgreementActionDetailSerializer(action, context=context).data, status=status_code)

    @extend_schema(responses=AgreementActionDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._detail_response(self.get_object())

    def _acting(self, pk):
        return access_action_by_id(self.request.user, pk, perm=ACT)

    @extend_schema(request=MeasureInSerializer, responses={201: AgreementActionDetailSerializer})
    @route(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        """Add a measure (drafting, or a revision while the statement window runs)."""
        agreement = self._acting(pk)
        data = MeasureInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        services.measure_add(action=agreement, by=request.user, kind=fields.pop("kind"), **fields)
        return self._detail_response(agreement, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=AgreementActionDetailSerializer,
        parameters=[OpenApiParameter("measure_id", int, OpenApiParameter.PATH)],
    )
    @route(detail=True, methods=["delete"], url_path=r"measures/(?P<measure_id>[^/.]+)")
    def measure_remove(self, request, pk=None, measure_id=None):
        """Remove a drafted measure, or withdraw a notified one (a revision)."""
        agreement = self._acting(pk)
        services.measure_remove(
            measure=access_measure_by_id(request.user, measure_id, action=agreement), by=request.user
        )
        return self._detail_response(agreement)

    @extend_schema(request=NoticeInSerializer, responses=AgreementActionDetailSerializer)
    @route(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Issue the numbered 违约处理通知书; the statement window opens."""
        agreement = self._acting(pk)
        data = NoticeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        steps.agreement_issue_notice(
            action=agreement,
            by=request.user,
            clauses=data.validated_data["clauses"],
            issued_on=data.validated_data.get("issued_on"),
        )
        return self._detail_response(agreement)

    @extend_schema(request=StatementInSerializer, responses=AgreementActionDetailSerializer)
    @route(detail=True, methods=["post"])
    def statement(self, request, pk=None):
        """Record the subject's 陈述申辩, received within the window."""
        agreement = self._acting(pk)
        data = StatementInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        steps.agreement_statement_record(action=agreement, by=request.user, **data.validated_data)
        return self._detail_response(agreement)

    @extend_schema(request=DecisionInSerializer, responses=AgreementActionDetailSerializer)
    @route(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """Make the decision final: confirm, or revise (with reasons)."""
        agreement = self._acting(pk)
        data = DecisionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        steps.agreement_decide(action=agreement, by=request.user, **data.validated_data)
        return self._detail_response(agreement)

    @extend_schema(request=CheckInSerializer, responses=AgreementActionDetailSerializer)
    @route(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Record the rectification check."""
        agreement = self._acting(pk)
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        steps.agreement_check_record(action=agreement, by=request.user, **data.validated_data)
        return self._detail_response(agreement)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("document_id", int, OpenApiParameter.PATH)],
    )
    @route(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>[^/.]+)/pdf", url_name="document-pdf")
    def document_pdf(self, request, pk=None, document_id=None):
        """A notice of the action as issued (PDF)."""
        agreement = self.get_object()
        document_id = parse_id(document_id)
        if document_id not in (agreement.notice_id, agreement.final_notice_id):
            raise Http404
        return pdf_response(Document.objects.get(pk=document_id))
