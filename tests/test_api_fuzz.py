"""API fuzzing (issue 10): schemathesis generates requests from /api/schema/ for every operation and sends them,
authenticated as a bureau section head, a police liaison and the province auditor; no request may give a 500,
and every response that the schema documents must match it. Examples per operation are bounded (FUZZ_EXAMPLES)
so CI stays fast; raise it locally for a deeper run."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

EXAMPLES = int(os.getenv("FUZZ_EXAMPLES", "3"))


def _schema():
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = _schema()  # the schema is generated from the code (no database needed)


@pytest.fixture
def same_connection():
    """Requests go through the WSGI app in the test's transaction: keep Django from closing the connection at the
    end of each request, as its own test client does (on PostgreSQL that would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, same_connection, lead, subject, alice, police, auditor):
    """One token per kind of caller: a bureau section head, a police liaison, the province auditor."""
    return [Token.objects.get_or_create(user=user)[0].key for user in (alice, police, auditor)]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_errors_and_matches_its_schema(case, tokens):
    for token in tokens:
        case.call_and_validate(
            headers={"Authorization": f"Token {token}"},
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        )
