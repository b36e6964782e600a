"""GET /api/v1/credit/{kind}/{code}/ (shared/api.md "Credit") for partner systems.

Staff of the bureau, the handling agency and the partner agencies of the subject's region or a region above
it read; anyone else gets 404 (as for an unknown subject), an anonymous caller 401. A kind other than
insured, practitioner, pharmacy or institution is 404. A subject with no entries reads points 0,
blacklisted false.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from credit.access import access_subject_credit
from credit.selectors import credit_summary


class CreditEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=["points", "blacklisted", "blacklist_removed", "suspended", "terminated"],
        help_text="points: a credit-point entry; the others: what the points led to",
    )
    points = serializers.IntegerField()
    reason = serializers.CharField()
    case = serializers.CharField(allow_null=True, help_text="case number")


class CreditListingSerializer(serializers.Serializer):
    reason = serializers.CharField()
    permanent = serializers.BooleanField()
    listed_on = serializers.DateField()
    removed_on = serializers.DateField(allow_null=True)
    removal_reason = serializers.CharField()


class CreditMeasureSerializer(serializers.Serializer):
    kind = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class CreditSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField(source="subject.code")
    name = serializers.CharField(source="subject.name")
    points = serializers.IntegerField(help_text="points in the current scoring period")
    period = serializers.CharField(help_text="the current scoring period, e.g. 2026")
    grade = serializers.CharField(
        allow_null=True,
        help_text="insured: normal|blacklisted; practitioner: normal|suspended|terminated; "
        "pharmacy and institution: the credit grade (A–E) when evaluated",
    )
    status = serializers.CharField(help_text="the grade or status in words")
    score = serializers.IntegerField(allow_null=True, help_text="pharmacies and institutions: the evaluation score")
    blacklisted = serializers.BooleanField()
    permanent = serializers.BooleanField(help_text="on the permanent blacklist")
    suspended_until = serializers.DateField(source="until", allow_null=True)
    reregistration_from = serializers.DateField(allow_null=True)
    blacklistings = CreditListingSerializer(source="listings", many=True)
    measures = CreditMeasureSerializer(many=True)
    entries = CreditEntrySerializer(many=True)


class CreditDetail(APIView):
    @extend_schema(responses=CreditSerializer)
    def get(self, request, kind, code):
        subject = access_subject_credit(request.user, kind, code)
        return Response(CreditSerializer(credit_summary(subject)).data)
