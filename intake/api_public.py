"""Public report API (shared/api.md "Public reports"): no account, a receipt code and a secret.

No authentication classes, so outside programs need no CSRF token or session; both
endpoints that take a receipt code answer 404 alike for an unknown code and a wrong secret.
"""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ParseError, UnsupportedMediaType
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.errors import InvalidInput
from intake import ratelimit
from intake.public import (
    RECEIVED,
    public_messages,
    public_reward,
    public_status,
    report_by_code_and_secret,
    reporter_write,
)
from intake.serializers_public import (
    ErrorSerializer,
    PublicMessageMultipartSerializer,
    PublicMessageRequestSerializer,
    PublicMessageSerializer,
    PublicReportMultipartSerializer,
    PublicReportReceivedSerializer,
    PublicReportRequestSerializer,
    PublicStatusSerializer,
    message_body,
    report_input,
)
from intake.submission import report_submit

SECRET_HEADER = OpenApiParameter(
    "X-Report-Secret", str, OpenApiParameter.HEADER, required=True, description="The secret given with the receipt."
)
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad input, with a message per field."),
    429: OpenApiResponse(ErrorSerializer, description="Too many attempts from this address."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="Unknown receipt code or wrong secret (alike).")}
TOO_LARGE = {413: OpenApiResponse(ErrorSerializer, description="An attachment is too large.")}


def _data(request):
    """The request body; a body that cannot be read is bad input (400) like any other."""
    try:
        return request.data
    except ParseError as exc:
        raise InvalidInput(_("The request body is not valid JSON or form data.")) from exc
    except UnsupportedMediaType as exc:
        raise InvalidInput(_("Send JSON or multipart/form-data.")) from exc


def _files(request) -> list:
    return request.FILES.getlist("files") + request.FILES.getlist("files[]")


def _report_or_404(request, receipt_code: str):
    """The report for the code and the secret header; failures are counted per client address."""
    ratelimit.check_lookup_allowed(request)
    report = report_by_code_and_secret(receipt_code=receipt_code, secret=request.headers.get("X-Report-Secret", ""))
    if report is None:
        ratelimit.record_failed_lookup(request)
        raise NotFound(_("No report matches this receipt code and secret."))
    return report


class PublicAPIView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]


@method_decorator([sensitive_post_parameters(), never_cache], name="dispatch")
class PublicReportCreate(PublicAPIView):
    @extend_schema(
        operation_id="public_report_create",
        summary="Submit a report (no account)",
        request={
            "application/json": PublicReportRequestSerializer,
            "multipart/form-data": PublicReportMultipartSerializer,
        },
        responses={201: PublicReportReceivedSerializer, **ERRORS, **TOO_LARGE},
        tags=["public"],
    )
    def post(self, request):
        ratelimit.check_submission_allowed(request)
        fields = report_input(_data(request))
        received = report_submit(**fields, files=_files(request))
        ratelimit.record_submission(request)
        body = {"receipt_code": received.report.receipt_code, "secret": received.secret, "status": RECEIVED}
        return Response(body, status=status.HTTP_201_CREATED)


@method_decorator(never_cache, name="dispatch")
class PublicReportStatus(PublicAPIView):
    @extend_schema(
        operation_id="public_report_status",
        summary="Follow a report with its receipt code and secret",
        parameters=[SECRET_HEADER],
        responses={200: PublicStatusSerializer, **NOT_FOUND, 429: ERRORS[429]},
        tags=["public"],
    )
    def get(self, request, receipt_code):
        report = _report_or_404(request, receipt_code)
        code, display = public_status(report)
        body = {
            "receipt_code": report.receipt_code,
            "status": code,
            "status_display": display,
            "received_at": report.lead.received_at,
            "messages": public_messages(report),
            "reward": public_reward(report),
        }
        return Response(PublicStatusSerializer(body).data)


@method_decorator([sensitive_post_parameters(), never_cache], name="dispatch")
class PublicReportMessageCreate(PublicAPIView):
    @extend_schema(
        operation_id="public_report_message_create",
        summary="Write to the agency about a report",
        parameters=[SECRET_HEADER],
        request={
            "application/json": PublicMessageRequestSerializer,
            "multipart/form-data": PublicMessageMultipartSerializer,
        },
        responses={201: PublicMessageSerializer, **ERRORS, **NOT_FOUND, **TOO_LARGE},
        tags=["public"],
    )
    def post(self, request, receipt_code):
        report = _report_or_404(request, receipt_code)
        message = reporter_write(report=report, body=message_body(_data(request)), files=_files(request))
        return Response(PublicMessageSerializer(message).data, status=status.HTTP_201_CREATED)
