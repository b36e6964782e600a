"""附件2 and 附件3 over the API: JSON, or the same table as .xlsx or as the printable PDF (`format=`).

Errors are always answered as JSON (config.api.exception_handler), whatever format was asked for.
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from stats import exports, tables
from stats.access import access_region_by_code, parse_period
from stats.serializers import ResultsTableSerializer, ViolationsTableSerializer

PDF_TYPE = "application/pdf"


class _BinaryRenderer(BaseRenderer):
    """Lets `?format=xlsx|pdf` through DRF's content negotiation; the view builds the bytes itself."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XlsxRenderer(_BinaryRenderer):
    media_type = exports.XLSX_TYPE
    format = "xlsx"


class PdfRenderer(_BinaryRenderer):
    media_type = PDF_TYPE
    format = "pdf"


PARAMETERS = [
    OpenApiParameter("region", str, description="region code (统筹区); default: the caller's agency's region"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day (inclusive); default: 1 January this year"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day (inclusive); default: today"),
    OpenApiParameter("format", str, enum=["json", "xlsx", "pdf"], description="json (default), xlsx or pdf"),
]
ERRORS = {
    400: OpenApiResponse(description="invalid dates, or `from` after `to` (field errors)"),
    401: OpenApiResponse(description="not signed in"),
    403: OpenApiResponse(description="not staff of a bureau or handling agency, nor an auditor"),
    404: OpenApiResponse(description="region unknown or outside the caller's region"),
}


def _responses(serializer):
    return {
        (200, "application/json"): serializer,
        (200, exports.XLSX_TYPE): OpenApiTypes.BINARY,
        (200, PDF_TYPE): OpenApiTypes.BINARY,
        **ERRORS,
    }


class _TableView(APIView):
    renderer_classes = [JSONRenderer, XlsxRenderer, PdfRenderer]
    kind = ""  # "results" or "violations": picks the table, its .xlsx and its document template
    compute = staticmethod(tables.results_table)
    xlsx = staticmethod(exports.results_xlsx)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON even when a file was asked for.
        if response.status_code >= 400 and getattr(request, "accepted_renderer", None) is not None:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def get(self, request):
        region = access_region_by_code(request.user, request.query_params.get("region"))
        period = parse_period(request.query_params.get("from"), request.query_params.get("to"))
        table = self.compute(region, period.date_from, period.date_to)
        fmt = request.accepted_renderer.format
        if fmt == "json":
            return Response(table)
        stem = f"{self.kind}-{region.code}-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}"
        if fmt == "xlsx":
            response = HttpResponse(self.xlsx(table), content_type=exports.XLSX_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        else:
            pdf = exports.preview_pdf(self.kind, table, agency_name=request.user.agency.name)
            response = HttpResponse(pdf, content_type=PDF_TYPE)
            response["Content-Disposition"] = f'inline; filename="{stem}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class ResultsTableView(_TableView):
    """附件2 处理结果表 of a region (with its sub-regions) for a period."""

    kind = "results"

    @extend_schema(
        parameters=PARAMETERS, responses=_responses(ResultsTableSerializer), operation_id="statistics_results"
    )
    def get(self, request):
        return super().get(request)


class ViolationsTableView(_TableView):
    """附件3 违规行为表 of a region (with its sub-regions) for a period."""

    kind = "violations"
    compute = staticmethod(tables.violations_table)
    xlsx = staticmethod(exports.violations_xlsx)

    @extend_schema(
        parameters=PARAMETERS, responses=_responses(ViolationsTableSerializer), operation_id="statistics_violations"
    )
    def get(self, request):
        return super().get(request)
