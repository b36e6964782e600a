from rest_framework import serializers

from rewards.models import Reward


class RewardSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    anonymous = serializers.BooleanField(source="report.anonymous", read_only=True)

    class Meta:
        model = Reward
        fields = [
            "id",
            "case",
            "case_number",
            "status",
            "status_display",
            "anonymous",
            "verified_amount",
            "proposed_amount",
            "approved_amount",
            "notified_on",
            "claim_deadline",
            "claimed_on",
            "paid_on",
        ]


class RewardDetailSerializer(RewardSerializer):
    """Adds the working, and — only for the roles allowed, each read audit-logged — the reporter (reward
    handlers) and the payee's bank details (finance and the reward handlers)."""

    working = serializers.ListField(child=serializers.CharField(), read_only=True)
    ineligible_reason = serializers.CharField(read_only=True)
    voucher_no = serializers.CharField(read_only=True)
    reporter = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()

    class Meta(RewardSerializer.Meta):
        fields = RewardSerializer.Meta.fields + ["working", "ineligible_reason", "voucher_no", "reporter", "payment"]

    def get_reporter(self, reward) -> dict | None:
        return self.context.get("reporter")

    def get_payment(self, reward) -> dict | None:
        return self.context.get("payment")
