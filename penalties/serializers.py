"""The penalty track over the integration API (read-only; money as strings with two decimals)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.models import Deadline
from casework.serializers import DocumentRefSerializer, SubjectRefSerializer
from penalties.models import Hearing, Penalty, PenaltyStep

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True, "allow_null": True}


class PenaltySerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    subject = SubjectRefSerializer(read_only=True)
    refund = serializers.DecimalField(**MONEY)
    fine = serializers.DecimalField(**MONEY)
    confiscation = serializers.DecimalField(**MONEY)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Penalty
        fields = [
            "id",
            "case",
            "case_number",
            "subject",
            "procedure",
            "status",
            "article",
            "warning",
            "refund",
            "fine",
            "confiscation",
            "suspension_months",
            "terminates",
            "decided_on",
            "served_on",
            "outcome",
            "overdue",
        ]


class StepSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, allow_null=True, default=None)
    document = serializers.CharField(source="document.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PenaltyStep
        fields = ["kind", "done_on", "by", "document", "note"]


class PenaltyDeadlineSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta:
        model = Deadline
        fields = ["step", "due", "overdue", "basis", "closed_on"]


class HearingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hearing
        fields = ["requested_on", "scheduled_at", "place", "public", "notice_sent_on", "held_on"]


class ObligationSerializer(serializers.Serializer):
    ledger = serializers.CharField()
    amount_due = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    due_on = serializers.DateField(allow_null=True)


class PenaltyDetailSerializer(PenaltySerializer):
    steps = StepSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    hearing = serializers.SerializerMethodField()
    obligations = serializers.SerializerMethodField()
    current_step = serializers.SerializerMethodField()

    class Meta(PenaltySerializer.Meta):
        fields = PenaltySerializer.Meta.fields + [
            "facts",
            "grounds",
            "suspension_detail",
            "hearing_offered",
            "legal_review_required",
            "discussion_required",
            "notice_served_on",
            "statement_kind",
            "hearing_requested",
            "review_passed",
            "discussed_on",
            "service_method",
            "reminded_on",
            "enforcement_applied_on",
            "current_step",
            "steps",
            "hearing",
            "deadlines",
            "documents",
            "obligations",
        ]

    @extend_schema_field(PenaltyDeadlineSerializer(many=True))
    def get_deadlines(self, penalty):
        return PenaltyDeadlineSerializer(self.context["deadlines"], many=True).data

    @extend_schema_field(DocumentRefSerializer(many=True))
    def get_documents(self, penalty):
        return DocumentRefSerializer(self.context["documents"], many=True).data

    @extend_schema_field(HearingSerializer(allow_null=True))
    def get_hearing(self, penalty):
        hearing = self.context.get("hearing")
        return HearingSerializer(hearing).data if hearing else None

    @extend_schema_field(ObligationSerializer(many=True))
    def get_obligations(self, penalty):
        return ObligationSerializer(self.context["obligations"], many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_current_step(self, penalty) -> str | None:
        task = self.context.get("task")
        return task.flow_task.name if task else None
