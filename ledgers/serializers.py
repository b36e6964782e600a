"""Ledgers over the API: money as strings with two decimals ("12345.60"), dates YYYY-MM-DD."""

from rest_framework import serializers

from ledgers.models import Destination, Ledger, Obligation, Payment


def money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


class LedgerCaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class LedgerSubjectRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class LedgerPaymentSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "paid_on", "amount", "voucher", "channel", "recorded_at", "recorded_by"]


class LedgerObligationSerializer(serializers.ModelSerializer):
    case = LedgerCaseRefSerializer(read_only=True)
    subject = LedgerSubjectRefSerializer(read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True, help_text="Code of the imposing agency.")
    ledger = serializers.ChoiceField(choices=Ledger.choices, read_only=True)
    ledger_display = serializers.CharField(source="get_ledger_display", read_only=True)
    destination = serializers.ChoiceField(source="destination_kind", choices=Destination.choices, read_only=True)
    destination_display = serializers.CharField(source="destination", read_only=True)
    amount_due = money()
    paid = money()
    balance = money()
    overdue = serializers.SerializerMethodField()
    days_overdue = serializers.IntegerField(source="overdue_days", read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "case",
            "subject",
            "agency",
            "ledger",
            "ledger_display",
            "destination",
            "destination_display",
            "basis",
            "amount_due",
            "paid",
            "balance",
            "due_on",
            "overdue",
            "days_overdue",
            "created_at",
        ]

    def get_overdue(self, obligation) -> bool:
        return obligation.overdue_days > 0


class LedgerObligationDetailSerializer(LedgerObligationSerializer):
    payments = LedgerPaymentSerializer(many=True, read_only=True)

    class Meta(LedgerObligationSerializer.Meta):
        fields = LedgerObligationSerializer.Meta.fields + ["payments"]


class LedgerPaymentRequestSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    amount = serializers.CharField(help_text='Yuan as a string with at most two decimals, e.g. "12345.60".')
    voucher = serializers.CharField(max_length=60, help_text="Voucher or receipt number.")
    channel = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class LedgerPaymentCreatedSerializer(LedgerPaymentSerializer):
    balance = money(help_text="What is still due on the obligation after this payment.")

    class Meta(LedgerPaymentSerializer.Meta):
        fields = LedgerPaymentSerializer.Meta.fields + ["balance"]


class LedgerMoneyRowSerializer(serializers.Serializer):
    due = money()
    paid = money()
    balance = money()


class LedgerTotalsSerializer(serializers.Serializer):
    fund_refund = LedgerMoneyRowSerializer()
    fine = LedgerMoneyRowSerializer()
    confiscation = LedgerMoneyRowSerializer()
    late_fee = LedgerMoneyRowSerializer()
    liquidated_damages = LedgerMoneyRowSerializer()
    patient_refund = LedgerMoneyRowSerializer()


class DestinationTotalsSerializer(serializers.Serializer):
    fund = LedgerMoneyRowSerializer(help_text="Medical insurance fund account: fund refunds and 违约金.")
    treasury = LedgerMoneyRowSerializer(help_text="State treasury: fines, confiscations and late-payment fines.")
    patients = LedgerMoneyRowSerializer(help_text="Money returned to the patients concerned.")


class MoneyTotalsSerializer(serializers.Serializer):
    region = serializers.CharField(allow_null=True, help_text="Region code; its sub-regions are included.")
    # "from" is a Python keyword: declared through the class namespace.
    locals()["from"] = serializers.DateField(allow_null=True, source="date_from")
    to = serializers.DateField(allow_null=True, source="date_to")
    ledgers = LedgerTotalsSerializer(help_text="Per ledger; the ledgers are never added together.")
    destinations = DestinationTotalsSerializer(help_text="Per account the money goes to.")
