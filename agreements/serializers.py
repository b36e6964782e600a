from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from agreements.models import AgreementAction, AgreementMeasure
from casework.serializers import DeadlineSerializer, SubjectRefSerializer
from documents.models import Document
from ledgers.models import Obligation

MONEY = {"max_digits": 14, "decimal_places": 2}


class AgreementCaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class AgreementActionSerializer(serializers.ModelSerializer):
    case = AgreementCaseRefSerializer(read_only=True)
    subject = SubjectRefSerializer(read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    notice_number = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True, help_text="One of its deadlines is open and past due.")

    class Meta:
        model = AgreementAction
        fields = [
            "id",
            "case",
            "subject",
            "agency",
            "status",
            "status_display",
            "started_at",
            "notice_number",
            "statement_due",
            "check_due",
            "overdue",
        ]

    def get_notice_number(self, action) -> str | None:
        notice = action.current_notice
        return notice.number if notice else None


class MeasureSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    amount = serializers.DecimalField(**MONEY, allow_null=True, read_only=True, help_text="Yuan, two decimals.")
    withdrawn = serializers.SerializerMethodField()

    class Meta:
        model = AgreementMeasure
        fields = [
            "id",
            "kind",
            "kind_display",
            "amount",
            "months",
            "starts_on",
            "ends_on",
            "due_on",
            "interview_on",
            "interviewees",
            "summary",
            "scope",
            "detail",
            "basis",
            "notified",
            "withdrawn",
        ]

    def get_withdrawn(self, measure) -> bool:
        return measure.withdrawn_at is not None


class FindingSerializer(serializers.Serializer):
    item = serializers.CharField(source="item.name")
    item_number = serializers.IntegerField(source="item.number")
    period_from = serializers.DateField(allow_null=True)
    period_to = serializers.DateField(allow_null=True)
    amount = serializers.DecimalField(**MONEY)
    fund_loss = serializers.DecimalField(**MONEY)


class AgreementDocumentSerializer(serializers.ModelSerializer):
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True)
    pdf = serializers.SerializerMethodField(help_text="The issued PDF, for whoever may read the action.")

    class Meta:
        model = Document
        fields = ["id", "number", "kind", "title", "issued_at", "sha256", "supersedes", "pdf"]

    def get_pdf(self, document) -> str:
        action = self.context["action"]
        return reverse(
            "api:agreement-action-document-pdf",
            kwargs={"pk": action.pk, "document_id": document.pk},
            request=self.context.get("request"),
        )


class AgreementObligationSerializer(serializers.ModelSerializer):
    amount_due = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY)

    class Meta:
        model = Obligation
        fields = ["id", "ledger", "amount_due", "paid", "balance", "due_on", "basis"]


class StatementOutSerializer(serializers.Serializer):
    received_on = serializers.DateField(allow_null=True)
    text = serializers.CharField()


class SuspensionOutSerializer(serializers.Serializer):
    scope = serializers.CharField(allow_null=True, help_text="The measure in force today, if any.")
    until = serializers.DateField(allow_null=True, help_text="Its last day; null for a termination.")


class AgreementActionDetailSerializer(AgreementActionSerializer):
    clauses = serializers.CharField(read_only=True)
    measures = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    obligations = serializers.SerializerMethodField()
    statement = serializers.SerializerMethodField()
    suspension = serializers.SerializerMethodField()

    class Meta(AgreementActionSerializer.Meta):
        fields = AgreementActionSerializer.Meta.fields + [
            "clauses",
            "notice_issued_on",
            "statement",
            "decision",
            "decision_reason",
            "decided_on",
            "check_result",
            "check_note",
            "checked_on",
            "measures",
            "findings",
            "totals",
            "deadlines",
            "documents",
            "obligations",
            "suspension",
        ]

    def _detail(self):
        return self.context["detail"]

    @extend_schema_field(MeasureSerializer(many=True))
    def get_measures(self, action):
        return MeasureSerializer(self._detail()["measures"], many=True).data

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, action):
        return FindingSerializer(self._detail()["violations"], many=True).data

    @extend_schema_field(
        serializers.DictField(child=serializers.DecimalField(**MONEY), help_text="amount and fund_loss")
    )
    def get_totals(self, action):
        totals = self._detail()["totals"]
        return {name: f"{value:.2f}" for name, value in totals.items()}

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, action):
        return DeadlineSerializer(self._detail()["deadlines"], many=True).data

    @extend_schema_field(AgreementDocumentSerializer(many=True))
    def get_documents(self, action):
        return AgreementDocumentSerializer(self._detail()["documents"], many=True, context=self.context).data

    @extend_schema_field(AgreementObligationSerializer(many=True))
    def get_obligations(self, action):
        return AgreementObligationSerializer(self._detail()["obligations"], many=True).data

    @extend_schema_field(StatementOutSerializer(allow_null=True))
    def get_statement(self, action):
        if action.statement_received_on is None:
            return None
        return {"received_on": action.statement_received_on.isoformat(), "text": action.statement_text}

    @extend_schema_field(SuspensionOutSerializer)
    def get_suspension(self, action):
        subject = self._detail()["subject"]
        until = subject.suspended_until
        return {"scope": subject.suspension_scope, "until": until.isoformat() if until else None}


# Input


class MeasureInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AgreementMeasure.Kind.choices)
    amount = serializers.DecimalField(**MONEY, required=False, help_text="Yuan: 拒付, 追回, 违约金.")
    months = serializers.IntegerField(required=False, min_value=1, max_value=120)
    starts_on = serializers.DateField(required=False)
    due_on = serializers.DateField(required=False, help_text="限期整改: rectify by.")
    interview_on = serializers.DateField(required=False)
    interviewees = serializers.CharField(required=False, allow_blank=True, max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    scope = serializers.ChoiceField(choices=AgreementMeasure.Scope.choices, required=False)
    detail = serializers.CharField(required=False, allow_blank=True, max_length=200)


class NoticeInSerializer(serializers.Serializer):
    clauses = serializers.CharField(max_length=20000)
    issued_on = serializers.DateField(required=False, allow_null=True, help_text="Served on; today by default.")


class StatementInSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    text = serializers.CharField(max_length=20000)


class DecisionInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=AgreementAction.Decision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    decided_on = serializers.DateField(required=False, allow_null=True)


class CheckInSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=AgreementAction.CheckResult.choices)
    note = serializers.CharField(max_length=20000)
    checked_on = serializers.DateField(required=False, allow_null=True)
