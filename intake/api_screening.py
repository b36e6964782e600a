"""POST /api/v1/screen-hits/ — a batch of screening hits from the screening system (shared/api.md)."""

import codecs
import json
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.errors import InvalidInput
from casework.models import Subject
from intake.screening import MAX_BATCH, may_submit_screen_hits, screen_hits_ingest


class ExactJSONParser(JSONParser):
    """JSON with numbers kept exact (Decimal, never float); any undecodable body is a 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return json.load(codecs.getreader(encoding)(stream), parse_float=Decimal, parse_constant=_no_constants)
        except (ValueError, RecursionError, LookupError) as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc


def _no_constants(name: str):
    raise ValueError(f"{name} is not allowed")


class CanSubmitScreenHits(BasePermission):
    message = gettext_lazy("Only a screening service account may submit screening hits.")

    def has_permission(self, request, view) -> bool:
        return may_submit_screen_hits(request.user)


_SUBJECT = inline_serializer(
    "ScreenHitSubject",
    {
        "kind": serializers.ChoiceField(choices=Subject.Kind.choices),
        "code": serializers.CharField(max_length=40),
        "name": serializers.CharField(max_length=120),
    },
)
_HIT = inline_serializer(
    "ScreenHitIn",
    {
        "source": serializers.CharField(max_length=40),
        "external_id": serializers.CharField(max_length=80),
        "rule_code": serializers.CharField(max_length=40),
        "rule_name": serializers.CharField(max_length=120),
        "subject": _SUBJECT,
        "period_from": serializers.DateField(required=False, allow_null=True),
        "period_to": serializers.DateField(required=False, allow_null=True),
        "amount": serializers.DecimalField(
            max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
        ),
        "details": serializers.DictField(required=False),
    },
)
_REJECTED = inline_serializer(
    "ScreenHitRejected",
    {
        "index": serializers.IntegerField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)
_ERROR = inline_serializer(
    "ScreenHitError",
    {
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
    },
)


class ScreenHitBatch(APIView):
    """Receive up to 5,000 hits; idempotent on (source, external_id); valid hits are kept when others are not."""

    permission_classes = [IsAuthenticated, CanSubmitScreenHits]
    parser_classes = [ExactJSONParser]

    @extend_schema(
        operation_id="screen_hits_submit",
        request=inline_serializer(
            "ScreenHitBatchIn", {"hits": serializers.ListField(child=_HIT, max_length=MAX_BATCH)}
        ),
        responses={
            200: inline_serializer(
                "ScreenHitBatchResult",
                {
                    "received": serializers.IntegerField(),
                    "created": serializers.IntegerField(),
                    "duplicates": serializers.IntegerField(),
                    "rejected": serializers.ListField(child=_REJECTED),
                    "leads_created": serializers.IntegerField(),
                    "leads_updated": serializers.IntegerField(),
                },
            ),
            400: OpenApiResponse(_ERROR, description="Malformed body, or no list under hits"),
            401: OpenApiResponse(_ERROR, description="No or invalid credentials"),
            403: OpenApiResponse(_ERROR, description="Not a screening service account"),
            409: OpenApiResponse(_ERROR, description="A concurrent batch stored the same hits; send again"),
            413: OpenApiResponse(_ERROR, description="More than 5,000 hits"),
        },
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, dict) or "hits" not in data:
            raise InvalidInput(errors={"hits": [_("Send the hits as a list under “hits”.")]})
        if not isinstance(data["hits"], list):
            raise InvalidInput(errors={"hits": [_("Send the hits as a list.")]})
        result = screen_hits_ingest(hits=data["hits"], by=request.user)
        return Response(result.as_dict())
