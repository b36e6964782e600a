"""GET /api/v1/penalties/ and /api/v1/penalties/{id}/ (read-only; the steps are taken on the pages)."""

import django_filters
from rest_framework import viewsets
from rest_framework.response import Response

from casework.access import MAX_ID
from penalties import execution, selectors
from penalties.access import access_penalty_by_id
from penalties.models import DecisionExtension, Penalty
from penalties.serializers import PenaltyDetailSerializer, PenaltySerializer
from workflows.penalty import pending_task


class PenaltyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Penalty.Status.choices)
    case = django_filters.NumberFilter(field_name="case_id", min_value=1, max_value=MAX_ID, help_text="case id")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="true: an open deadline of the penalty has passed"
    )

    class Meta:
        model = Penalty
        fields = ["status", "case", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.not_overdue()


class PenaltyViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = PenaltyFilter
    serializer_class = PenaltySerializer

    def get_queryset(self):
        return selectors.penalty_list(user=self.request.user).with_overdue()

    def get_serializer_class(self):
        return PenaltyDetailSerializer if self.action == "retrieve" else PenaltySerializer

    def retrieve(self, request, *args, **kwargs):
        penalty = access_penalty_by_id(request.user, kwargs["pk"])
        hearing = selectors.penalty_hearing(penalty)
        extension = DecisionExtension.objects.filter(case_id=penalty.case_id).first()
        detail = (
            Penalty.objects.with_overdue()
            .with_related()
            .prefetch_related("steps__by", "steps__document")
            .get(pk=penalty.pk)
        )
        context = {
            **self.get_serializer_context(),
            "deadlines": selectors.penalty_deadlines(penalty).order_by("due"),
            "documents": selectors.penalty_documents(penalty, hearing=hearing, extension=extension),
            "hearing": hearing,
            "obligations": execution.obligations(penalty),
            "task": pending_task(penalty),
        }
        return Response(PenaltyDetailSerializer(detail, context=context).data)
