from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.access import MAX_ID
from casework.findings import MONEY_FIELDS
from casework.models import Case, Deadline, Evidence, Lead, Preservation, Subject, Violation
from documents.models import Document


class SubjectRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subject
        fields = ["kind", "code", "name"]


class SubjectSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Subject
        fields = [
            "id",
            "kind",
            "code",
            "name",
            "region",
            "status",
            "level",
            "ownership",
            "category",
            "id_number_masked",
            "profession",
            "institution",
        ]


class DocumentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "number", "kind", "title", "issued_at"]


class LeadSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    subjects = SubjectRefSerializer(many=True, read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    case = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="null until a case is opened")

    class Meta:
        model = Lead
        fields = [
            "id",
            "source_kind",
            "status",
            "title",
            "agency",
            "received_at",
            "deadline",
            "overdue",
            "subjects",
            "case",
        ]


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()


class ReportRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    receipt_code = serializers.CharField()
    channel = serializers.CharField()
    anonymous = serializers.BooleanField()
    reporter_display = serializers.CharField()
    reporter = ReporterSerializer(allow_null=True, help_text="Only for roles that may see the reporter; logged.")


class LeadDetailSerializer(LeadSerializer):
    documents = DocumentRefSerializer(many=True, read_only=True)
    amount_estimate = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    report = serializers.SerializerMethodField()

    class Meta(LeadSerializer.Meta):
        fields = LeadSerializer.Meta.fields + [
            "description",
            "amount_estimate",
            "decision_reason",
            "decided_at",
            "merged_into",
            "documents",
            "report",
        ]

    @extend_schema_field(ReportRefSerializer(allow_null=True))
    def get_report(self, lead):
        """The report behind the lead; the reporter's identity only for those who may see it, each read logged."""
        from intake.models import Report
        from intake.services import can_read_identity, report_identity_read, reporter_label

        report = Report.objects.filter(lead=lead).first()
        if report is None:
            return None
        request = self.context.get("request")
        user = getattr(request, "user", None)
        reporter = None
        if user is not None and can_read_identity(user, report):
            reporter = report_identity_read(report=report, by=user)
        return {
            "id": report.pk,
            "receipt_code": report.receipt_code,
            "channel": report.channel,
            "anonymous": report.anonymous,
            "reporter_display": str(reporter_label(report)),
            "reporter": reporter,
        }


class LeadCreateSerializer(serializers.Serializer):
    source_kind = serializers.ChoiceField(choices=Lead.SourceKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    subjects = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=50
    )
    received_at = serializers.DateTimeField(required=False)
    amount_estimate = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, min_value=0)


class TriageSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["dismiss", "merge", "open"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    case = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    lead = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="For merge: the pending lead to merge into."
    )


class DeadlineSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue")
    step_display = serializers.CharField(source="get_step_display")

    class Meta:
        model = Deadline
        fields = ["step", "step_display", "due", "overdue", "basis", "closed_on"]


class ViolationSerializer(serializers.ModelSerializer):
    subject = SubjectRefSerializer()
    item = serializers.CharField(source="item.name")
    item_number = serializers.IntegerField(source="item.number")

    class Meta:
        model = Violation
        fields = [
            "id",
            "subject",
            "item",
            "item_number",
            "period_from",
            "period_to",
            "amount",
            "fund_loss",
            "patient_money",
        ]


class EvidenceRefSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="holder.username", help_text="Login name of the officer holding the item.")
    sha256 = serializers.CharField(help_text="SHA-256 of the stored file; empty when the item has no file.")

    class Meta:
        model = Evidence
        fields = ["id", "kind", "title", "collected_at", "sha256", "holder"]


class PreservationRefSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta:
        model = Preservation
        fields = ["id", "registered_on", "decision_due", "overdue", "decided_on", "decision", "decided_late"]


class CaseSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    subjects = SubjectRefSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "status", "title", "agency", "opened_at", "subjects", "overdue"]

    def get_overdue(self, case) -> bool:
        today = timezone.localdate()
        return any(d.closed_on is None and d.due < today for d in case.deadlines.all())


class InvestigatorSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class TotalsSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    fund_loss = serializers.DecimalField(max_digits=14, decimal_places=2)
    patient_money = serializers.DecimalField(max_digits=14, decimal_places=2)


INVESTIGATION_STATUSES = ["collecting_findings", "awaiting_report", "closed"]


class CaseDetailSerializer(CaseSerializer):
    deadlines = DeadlineSerializer(many=True, read_only=True)
    violations = ViolationSerializer(many=True, read_only=True)
    documents = DocumentRefSerializer(many=True, read_only=True)
    tracks = serializers.SlugRelatedField(many=True, read_only=True, slug_field="kind")
    leads = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    evidence = EvidenceRefSerializer(many=True, read_only=True)
    preservations = PreservationRefSerializer(many=True, read_only=True)
    investigators = serializers.SerializerMethodField()
    investigation_status = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + [
            "summary",
            "status_reason",
            "tracks",
            "leads",
            "deadlines",
            "violations",
            "documents",
            "evidence",
            "preservations",
            "investigators",
            "investigation_status",
            "totals",
        ]

    @staticmethod
    def _investigation(case):
        try:
            return case.investigation
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(InvestigatorSerializer(many=True))
    def get_investigators(self, case) -> list:
        process = self._investigation(case)
        if process is None:
            return []
        officers = sorted(process.investigators.all(), key=lambda u: (u.last_name, u.first_name, u.username))
        return InvestigatorSerializer(officers, many=True).data

    @extend_schema_field(serializers.ChoiceField(choices=INVESTIGATION_STATUSES, allow_null=True))
    def get_investigation_status(self, case) -> str | None:
        """null before assignment; then collecting_findings → awaiting_report → closed."""
        process = self._investigation(case)
        if process is None:
            return None
        if process.findings_done_at is None:
            return "collecting_findings"
        return "awaiting_report" if process.report_id is None else "closed"

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, case) -> dict:
        """Sums of the case's violations, as two-decimal strings."""
        violations = list(case.violations.all())
        return TotalsSerializer(
            {name: sum((getattr(v, name) for v in violations), Decimal("0.00")) for name in MONEY_FIELDS}
        ).data
