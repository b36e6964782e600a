from django.urls import reverse
from rest_framework import serializers

from casework.money import parse_yuan
from referrals.models import Referral, ReferralEvent, ReferralOutcome


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ReferralSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True, help_text="The 移送书 number; empty until sent.")
    case_number = serializers.CharField(source="case.number", read_only=True)
    from_agency = AgencyRefSerializer(source="agency", read_only=True)
    to_agency = AgencyRefSerializer(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    next_due = serializers.DateField(read_only=True, allow_null=True, help_text="The soonest open deadline.")
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "number",
            "case_number",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "from_agency",
            "to_agency",
            "sent_at",
            "received_at",
            "decided_at",
            "reference",
            "next_due",
            "overdue",
        ]


class PackageDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    issued_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    pdf = serializers.SerializerMethodField()

    def get_pdf(self, document) -> str:
        return reverse("api:api-document-pdf", args=[document.pk])


class PackageEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    collected_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    file = serializers.SerializerMethodField()

    def get_file(self, item) -> str | None:
        referral = self.context["referral"]
        return reverse("referral-evidence-file", args=[referral.pk, item.pk]) if item.has_file else None


class EventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = ReferralEvent
        fields = ["kind", "kind_display", "agency", "at", "note"]


class OutcomeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ReferralOutcome
        fields = [
            "id",
            "kind",
            "kind_display",
            "summary",
            "decided_on",
            "sentence",
            "restitution_ordered",
            "fine_offset",
        ]


class ReferralDetailSerializer(ReferralSerializer):
    """The package: documents, evidence, grounds, the case summary (never the rest of the case) and deadlines."""

    facts = serializers.CharField(read_only=True)
    grounds = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    case_summary = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    outcomes = serializers.SerializerMethodField()
    reject_reason = serializers.CharField(read_only=True)

    class Meta(ReferralSerializer.Meta):
        fields = ReferralSerializer.Meta.fields + [
            "facts",
            "grounds",
            "documents",
            "evidence",
            "case_summary",
            "deadlines",
            "events",
            "outcomes",
            "reject_reason",
        ]

    @property
    def _detail(self):
        return self.context["detail"]

    def get_grounds(self, referral) -> list[dict]:
        return [{"code": g.code, "name": g.name, "basis": g.basis} for g in self._detail["grounds"]]

    def get_documents(self, referral) -> list[dict]:
        return PackageDocumentSerializer(self._detail["documents"], many=True).data

    def get_evidence(self, referral) -> list[dict]:
        return PackageEvidenceSerializer(self._detail["evidence"], many=True, context={"referral": referral}).data

    def get_case_summary(self, referral) -> dict:
        summary = self._detail["summary"]
        return {
            "number": summary["number"],
            "title": summary["title"],
            "subjects": [{"kind": s.kind, "code": s.code, "name": s.name} for s in summary["subjects"]],
            "violations": [
                {
                    "subject": v.subject.name,
                    "item": f"{v.item.number}. {v.item.name}",
                    "period_from": v.period_from,
                    "period_to": v.period_to,
                    "amount": f"{v.amount:.2f}",
                    "fund_loss": f"{v.fund_loss:.2f}",
                }
                for v in summary["violations"]
            ],
            "amount": f"{summary['totals'].amount:.2f}",
            "fund_loss": f"{summary['totals'].fund_loss:.2f}",
        }

    def get_deadlines(self, referral) -> list[dict]:
        return [
            {"step": d.step, "label": d.get_step_display(), "due": d.due, "overdue": d.is_overdue, "open": d.is_open}
            for d in self._detail["deadlines"]
        ]

    def get_events(self, referral) -> list[dict]:
        return EventSerializer(self._detail["events"], many=True).data

    def get_outcomes(self, referral) -> list[dict]:
        return OutcomeSerializer(self._detail["outcomes"], many=True).data


class AcceptIn(serializers.Serializer):
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ForwardIn(serializers.Serializer):
    agency = serializers.CharField(required=False, allow_blank=True, default="", help_text="agency code")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ForwardedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    to_agency = AgencyRefSerializer()


class OutcomeIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReferralOutcome.Kind.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    sentence = serializers.CharField(required=False, allow_blank=True, default="")
    restitution_ordered = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)

    def validate_restitution_ordered(self, value):
        if value in (None, ""):
            return None
        return parse_yuan(value, field="restitution_ordered", allow_zero=True)
