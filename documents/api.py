"""Document metadata, issued PDF bytes, and the public verify endpoint (shared/api.md "Documents")."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.errors import InvalidInput
from documents.access import access_document_by_id
from documents.models import Document
from documents.services import document_pdf_bytes, document_verify


class DocumentSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True)
    lead = serializers.PrimaryKeyRelatedField(read_only=True)
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True)
    agency = serializers.CharField(source="agency.code")

    class Meta:
        model = Document
        fields = ["id", "number", "kind", "title", "agency", "issued_at", "sha256", "case", "lead", "supersedes"]


class DocumentDetail(APIView):
    @extend_schema(responses=DocumentSerializer)
    def get(self, request, pk):
        return Response(DocumentSerializer(access_document_by_id(request.user, pk)).data)


class DocumentPdf(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        document = access_document_by_id(request.user, pk)
        return pdf_response(document)


def pdf_response(document: Document) -> HttpResponse:
    response = HttpResponse(document_pdf_bytes(document=document), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=document-{document.pk}.pdf"
    response["Cache-Control"] = "private, no-store"
    return response


class DocumentVerify(APIView):
    """Check a paper copy: is there an issued document with this number and SHA-256?"""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("number", str, required=True), OpenApiParameter("sha256", str, required=True)],
        responses=inline_serializer("VerifyResult", {"valid": serializers.BooleanField()}),
    )
    def get(self, request):
        number = request.query_params.get("number", "")
        sha256 = request.query_params.get("sha256", "")
        errors = {}
        if not number.strip():
            errors["number"] = ["必须提供文书编号。"]
        if not sha256.strip():
            errors["sha256"] = ["必须提供 SHA-256。"]
        if errors:
            raise InvalidInput(errors=errors)
        return Response({"valid": document_verify(number=number, sha256=sha256)})
