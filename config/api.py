"""API conventions from shared/api.md: pagination, the error shape, and mapping domain errors."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from casework.errors import DomainError


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _messages(detail) -> list[str]:
    if isinstance(detail, list | tuple):
        return [str(item) for item in detail]
    if isinstance(detail, dict):
        return [str(item) for value in detail.values() for item in _messages(value)]
    return [str(detail)]


def exception_handler(exc, context):
    """Answer every error as {"detail": "<Chinese message>", "errors": {field: [messages]}}."""
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message)}
        if exc.errors:
            body["errors"] = {field: [str(m) for m in msgs] for field, msgs in exc.errors.items()}
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _("Some fields are not valid."),
            "errors": {field: _messages(value) for field, value in detail.items()},
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        response.data = {
            "detail": str(exc.detail) if not isinstance(exc.detail, dict | list) else "；".join(_messages(exc.detail))
        }
    return response
