"""Leads, cases and subjects over the integration API (shared/api.md "Leads and cases")."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from casework import selectors
from casework.access import access_case_by_id, access_lead_by_id, parse_id
from casework.errors import InvalidInput
from casework.filters import CaseFilter, LeadFilter
from casework.models import Case, Deadline, Evidence, Lead, Violation
from casework.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    LeadCreateSerializer,
    LeadDetailSerializer,
    LeadSerializer,
    SubjectSerializer,
    TriageSerializer,
)
from workflows.triage import triage_decide, triage_start


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    filterset_class = LeadFilter
    serializer_class = LeadSerializer

    def get_queryset(self):
        return selectors.lead_list(user=self.request.user)

    def get_object(self):
        lead = access_lead_by_id(self.request.user, self.kwargs["pk"])
        return selectors.lead_detail(lead, user=self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return LeadDetailSerializer
        if self.action == "create":
            return LeadCreateSerializer
        if self.action == "triage":
            return TriageSerializer
        return LeadSerializer

    @extend_schema(request=LeadCreateSerializer, responses={201: LeadDetailSerializer})
    def create(self, request, *args, **kwargs):
        user = request.user
        if user.agency is None or not user.has_perm("casework.add_lead"):
            raise PermissionDenied()
        serializer = LeadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subjects = list(selectors.subjects_for(user=user).filter(pk__in=data["subjects"]))
        if len(subjects) != len(set(data["subjects"])):
            raise InvalidInput(errors={"subjects": ["未知的检查对象，或不属于本统筹区。"]})
        lead = triage_start(
            agency=user.agency,
            source_kind=data["source_kind"],
            title=data["title"],
            description=data["description"],
            subjects=subjects,
            received_at=data.get("received_at"),
            amount_estimate=data.get("amount_estimate"),
            by=user,
        )
        return Response(
            LeadDetailSerializer(selectors.lead_detail(lead, user=request.user)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=TriageSerializer, responses={200: LeadDetailSerializer})
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        """Decide on a lead: dismiss (reason required), merge into an open case, or open a case."""
        lead = access_lead_by_id(request.user, pk, perm="casework.triage_lead")
        serializer = TriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = None
        if data.get("case") is not None:
            case = Case.objects.visible_to(request.user).filter(pk=data["case"]).first()
            if case is None:
                raise InvalidInput(errors={"case": ["未找到该案件。"]})
        target = None
        if data.get("lead") is not None:
            target = Lead.objects.visible_to(request.user).filter(pk=data["lead"]).first()
            if target is None:
                raise InvalidInput(errors={"lead": ["未找到该线索。"]})
        lead = triage_decide(
            lead=lead, by=request.user, decision=data["decision"], reason=data["reason"], case=case, target=target
        )
        detail = selectors.lead_detail(lead, user=request.user)
        return Response(LeadDetailSerializer(detail, context={"request": request}).data)


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = CaseFilter
    serializer_class = CaseSerializer

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    def get_object(self):
        case = access_case_by_id(self.request.user, self.kwargs["pk"])
        return (
            Case.objects.filter(pk=case.pk)
            .select_related("agency", "investigation")
            .prefetch_related(
                "subjects",
                "tracks",
                "investigation__investigators",
                "leads",
                Prefetch("deadlines", queryset=Deadline.objects.order_by("due")),
                Prefetch("violations", queryset=Violation.objects.select_related("subject", "item")),
                Prefetch("documents", queryset=selectors.document_refs()),
                Prefetch("evidence", queryset=Evidence.objects.select_related("holder")),
                "preservations",
            )
            .get()
        )

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer


class SubjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SubjectSerializer
    filterset_fields = ["kind", "status", "code"]

    def get_queryset(self):
        queryset = selectors.subjects_for(user=self.request.user).select_related("region")
        query = self.request.query_params.get("q", "").strip()
        if query:
            queryset = queryset.filter(name__contains=query) | queryset.filter(code__startswith=query)
        return queryset.order_by("kind", "code")

    def get_object(self):
        subject = self.get_queryset().filter(pk=parse_id(self.kwargs["pk"])).first()
        if subject is None:
            raise Http404
        return subject
