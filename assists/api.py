"""协查 over the API: GET /api/v1/assist-requests/ (?box=received|sent, ?status=), /{id}/, and the requested
bureau's POST /{id}/answer/ (findings, optional files as multipart "files") and /{id}/decline/ (reason).

Access as on the pages (assists.access): the two bureaus only, others 404, anonymous 401; the sender answering
its own request 403; a second answer or refusal 409. The receiver never sees the sender's case.
"""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from assists import services
from assists.access import ANSWER_ASSIST, access_assist_by_id
from assists.models import AssistRequest
from casework.errors import DomainError
from intake import attachments


class AgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AssistRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AssistRequest.Status.choices)
    from_agency = AgencySerializer()
    to_agency = AgencySerializer()
    subject_name = serializers.CharField()
    subject_code = serializers.CharField()
    subject_kind = serializers.CharField()
    question = serializers.CharField()
    evidence_wanted = serializers.CharField()
    due_on = serializers.DateField()
    overdue = serializers.BooleanField(source="is_overdue")
    created_at = serializers.DateTimeField()
    answer = serializers.CharField()
    decline_reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    case = serializers.SerializerMethodField(help_text="the sender's case number; null for the requested bureau")
    files = serializers.SerializerMethodField()

    def get_case(self, request) -> str | None:
        # Visible and from the caller's own bureau: the sender's side (the receiver is of another region).
        if request.case_id and request.from_agency_id == self.context["request"].user.agency_id:
            return request.case.number
        return None

    def get_files(self, request) -> list[dict]:
        return [{"id": f.id, "filename": f.filename, "sha256": f.sha256, "size": f.size} for f in request.files.all()]


class AnswerIn(serializers.Serializer):
    findings = serializers.CharField()


class DeclineIn(serializers.Serializer):
    reason = serializers.CharField()


class AssistRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AssistRequest.Status.choices)

    class Meta:
        model = AssistRequest
        fields = ["status"]


@extend_schema(
    parameters=[
        OpenApiParameter("box", enum=["received", "sent"], description="received (default) or sent"),
    ]
)
class AssistRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssistRequestSerializer
    filterset_class = AssistRequestFilter
    queryset = AssistRequest.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        user, box = self.request.user, self.request.query_params.get("box", "received")
        if box not in ("received", "sent"):
            raise serializers.ValidationError({"box": ["received / sent"]})
        if box == "sent":
            requests = AssistRequest.objects.sent_by_agency_of(user)
        else:
            requests = AssistRequest.objects.received_by_agency_of(user)
        return requests.with_related().prefetch_related("files")

    def get_object(self):
        return access_assist_by_id(self.request.user, self.kwargs["pk"])

    def _answer(self, request) -> Response:
        return Response(self.get_serializer(access_assist_by_id(self.request.user, request.pk)).data)

    @extend_schema(request=AnswerIn, responses=AssistRequestSerializer)
    @route(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The requested bureau's findings, with any files (multipart field "files")."""
        assist = access_assist_by_id(request.user, pk, perm=ANSWER_ASSIST)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        checked = attachments.check_uploads(request.FILES.getlist("files"))
        try:
            assist = services.assist_answer(
                request=assist, by=request.user, findings=data.validated_data["findings"], checked_files=checked
            )
        except DomainError:
            attachments.discard(checked)
            raise
        return self._answer(assist)

    @extend_schema(request=DeclineIn, responses=AssistRequestSerializer)
    @route(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline, with the reason (required)."""
        assist = access_assist_by_id(request.user, pk, perm=ANSWER_ASSIST)
        data = DeclineIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.assist_decline(request=assist, by=request.user, **data.validated_data))


router = SimpleRouter(trailing_slash=True)
router.register("assist-requests", AssistRequestViewSet, basename="assist-request")
api_urlpatterns = router.urls
