"""GET /api/v1/inspection-plans/ and /{id}/ (shared/api.md "Inspections and public disclosure").

Readers as in inspections.access: the owning bureau's staff, superior bureaus and auditors; anyone else 404
(and sees nothing in the list), anonymous 401.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, viewsets

from inspections.access import access_plan_by_id, plans_for
from inspections.models import Plan, Target


class TargetSerializer(serializers.Serializer):
    subject = serializers.SerializerMethodField()
    stratum = serializers.CharField(help_text="kind:level:ownership")
    inspectors = serializers.SerializerMethodField(help_text="the pair drawn, by name")
    visited_on = serializers.DateField(allow_null=True)
    result = serializers.CharField(help_text="'' (not visited), nothing_found or found")
    record = serializers.IntegerField(source="record_id", allow_null=True, help_text="现场检查笔录 document id")
    lead = serializers.IntegerField(source="lead_id", allow_null=True)
    origin = serializers.ChoiceField(
        choices=Target.Origin.choices, help_text="draw, or a review rule: inpatient_bill, outpatient_top"
    )
    reference = serializers.CharField(help_text="the bill number, or the spender's rank; '' for drawn targets")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="the bill's or the spender's total (yuan)"
    )
    violations = serializers.SerializerMethodField(help_text="taxonomy items found at the visit")

    def get_subject(self, target) -> dict:
        return target.subject.as_ref()

    @extend_schema_field(
        inline_serializer(
            "TargetViolation", {"number": serializers.IntegerField(), "name": serializers.CharField()}, many=True
        )
    )
    def get_violations(self, target) -> list[dict]:
        items = sorted(target.violation_items.all(), key=lambda item: item.number)
        return [{"number": item.number, "name": item.name} for item in items]

    def get_inspectors(self, target) -> list[str]:
        return [user.display_name for user in sorted(target.inspectors.all(), key=lambda u: u.pk)]


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Plan.Kind.choices)
    period = serializers.SerializerMethodField()
    sample_rule = serializers.SerializerMethodField()
    seed = serializers.CharField(allow_null=True, help_text="null until drawn")
    population_size = serializers.IntegerField(allow_null=True, help_text="null until drawn")
    targets = TargetSerializer(many=True)
    status = serializers.ChoiceField(choices=Plan.Status.choices)

    def get_period(self, plan) -> dict:
        return {"from": plan.period_from.isoformat(), "to": plan.period_to.isoformat()}

    def get_sample_rule(self, plan) -> dict:
        return {
            "percent": str(plan.sample_percent),
            "minimum": plan.sample_minimum,
            "algorithm_version": plan.algorithm_version or None,
        }

    def to_representation(self, plan):
        data = super().to_representation(plan)
        if plan.status == Plan.Status.DRAFT:
            data["seed"] = data["population_size"] = None
        return data


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    queryset = Plan.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        return plans_for(self.request.user)

    def get_object(self):
        return access_plan_by_id(self.request.user, self.kwargs["pk"])

    @extend_schema(responses=PlanSerializer)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
