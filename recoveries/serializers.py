"""Recoveries over the API: money as strings with two decimals ("12345.60"), dates YYYY-MM-DD."""

from rest_framework import serializers

from recoveries.models import (
    Debtor,
    EnforcementApplication,
    EnforcementStep,
    Instalment,
    Promise,
    Recovery,
    RecoveryMeeting,
    RecoveryPayment,
    Status,
)


def money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


class RecoveryCaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class RecoveryAgencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class RecoveryDebtorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Debtor
        fields = ["id", "name"]


class RecoverySerializer(serializers.ModelSerializer):
    case = RecoveryCaseRefSerializer(read_only=True)
    agency = RecoveryAgencyRefSerializer(read_only=True)
    court = RecoveryAgencyRefSerializer(read_only=True)
    # Plain strings, not enums: "status" and "kind" name other choice sets in the schema already.
    status = serializers.CharField(read_only=True, help_text=" | ".join(Status.values))
    kind = serializers.CharField(read_only=True, help_text=" | ".join(Recovery.Kind.values))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    debtors = RecoveryDebtorRefSerializer(many=True, read_only=True)
    ordered = money()
    paid = money()
    balance = money(help_text="ordered − paid")
    overdue = serializers.BooleanField(read_only=True, help_text="An instalment or promise is past due and unpaid.")

    class Meta:
        model = Recovery
        fields = [
            "id",
            "case",
            "agency",
            "court",
            "reference",
            "judged_on",
            "kind",
            "status",
            "status_display",
            "debtors",
            "ordered",
            "paid",
            "balance",
            "overdue",
            "closed_on",
            "created_at",
        ]


class RecoveryInstalmentSerializer(serializers.ModelSerializer):
    outstanding = money(help_text="What of this instalment is still unpaid.")
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Instalment
        fields = ["id", "due_on", "amount", "outstanding", "overdue"]


class RecoveryPromiseSerializer(serializers.ModelSerializer):
    paid_towards = money()
    kept = serializers.BooleanField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Promise
        fields = ["id", "made_on", "amount", "deadline", "meeting", "paid_towards", "kept", "overdue"]


class RecoveryPaymentSerializer(serializers.ModelSerializer):
    debtor = serializers.IntegerField(source="debtor_id", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = RecoveryPayment
        fields = ["id", "debtor", "paid_on", "amount", "channel", "receipt_no", "meeting", "recorded_at", "recorded_by"]


class RecoveryDebtorSerializer(serializers.ModelSerializer):
    subject = serializers.IntegerField(source="subject_id", read_only=True, allow_null=True)
    paid = money()
    balance = money(help_text="amount_ordered − paid")
    overdue = serializers.BooleanField(read_only=True)
    instalments = RecoveryInstalmentSerializer(source="plan", many=True, read_only=True)
    promises = RecoveryPromiseSerializer(source="promise_list", many=True, read_only=True)
    payments = RecoveryPaymentSerializer(source="payment_list", many=True, read_only=True)

    class Meta:
        model = Debtor
        fields = [
            "id",
            "name",
            "subject",
            "amount_ordered",
            "paid",
            "balance",
            "overdue",
            "instalments",
            "promises",
            "payments",
        ]


class RecoveryStepSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=" | ".join(EnforcementStep.Kind.values))

    class Meta:
        model = EnforcementStep
        fields = ["id", "kind", "happened_on", "note"]


class RecoveryEnforcementSerializer(serializers.ModelSerializer):
    debtors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    steps = RecoveryStepSerializer(many=True, read_only=True)
    concluded = serializers.BooleanField(read_only=True)

    class Meta:
        model = EnforcementApplication
        fields = ["id", "applied_on", "court_reference", "debtors", "note", "concluded", "steps"]


class RecoveryMeetingSerializer(serializers.ModelSerializer):
    court = serializers.CharField(source="court.code", read_only=True)
    attending = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    paid_total = money()
    promised_total = money()

    class Meta:
        model = RecoveryMeeting
        fields = ["id", "court", "held_on", "place", "attending", "note", "paid_total", "promised_total"]


class RecoveryDetailSerializer(RecoverySerializer):
    debtors = serializers.SerializerMethodField()
    enforcement = serializers.SerializerMethodField()
    meetings = serializers.SerializerMethodField()
    note = serializers.CharField(read_only=True)

    class Meta(RecoverySerializer.Meta):
        fields = RecoverySerializer.Meta.fields + ["note", "enforcement", "meetings"]

    def get_debtors(self, recovery) -> list:
        return RecoveryDebtorSerializer(self.context["detail"]["debtors"], many=True).data

    def get_enforcement(self, recovery) -> list:
        return RecoveryEnforcementSerializer(self.context["detail"]["applications"], many=True).data

    def get_meetings(self, recovery) -> list:
        return RecoveryMeetingSerializer(self.context["detail"]["meetings"], many=True).data


class RecoveryPaymentRequestSerializer(serializers.Serializer):
    debtor = serializers.IntegerField(help_text="Id of a debtor of this recovery.")
    paid_on = serializers.DateField()
    amount = serializers.CharField(help_text='Yuan as a string with at most two decimals, e.g. "12345.60".')
    channel = serializers.ChoiceField(choices=RecoveryPayment.Channel.choices)
    receipt_no = serializers.CharField(max_length=60)


class RecoveryPaymentCreatedSerializer(RecoveryPaymentSerializer):
    balance = money(help_text="What the debtor still owes after this payment.")

    class Meta(RecoveryPaymentSerializer.Meta):
        fields = RecoveryPaymentSerializer.Meta.fields + ["balance"]
