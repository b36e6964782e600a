"""Token login with failure throttling, and the health check."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

# Failures are counted per (account, client address): an outsider who guesses wrong locks
# only their own address out of that account, and only for the window.
MAX_FAILURES = 10
FAILURE_WINDOW_SECONDS = 15 * 60


def _failure_key(request, data) -> str:
    username = str(data.get("username", ""))[:150].lower()
    return f"login-failures:{request.META.get('REMOTE_ADDR', '')}:{username}"


class ObtainToken(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        key = _failure_key(request, data)
        if cache.get(key, 0) >= MAX_FAILURES:
            return Response(
                {"detail": _("Too many failed sign-ins; try again in 15 minutes.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        serializer = AuthTokenSerializer(data=data, context={"request": request})
        if not serializer.is_valid():
            cache.add(key, 0, FAILURE_WINDOW_SECONDS)
            cache.incr(key)
            serializer.is_valid(raise_exception=True)
        cache.delete(key)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})
