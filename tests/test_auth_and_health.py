"""Token sign-in with failure throttling, the health check, and the public schema."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_token_then_authenticated_call(api, alice, lead):
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/leads/").json()["count"] == 1


def test_wrong_password_is_400_with_the_error_shape(api, alice):
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_invalid_token_is_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token deadbeef")
    assert api.get("/api/v1/leads/").status_code == 401


def test_repeated_failures_are_throttled_per_address_only(api, alice):
    for _ in range(10):
        api.post("/api/v1/auth/token/", {"username": "alice", "password": "x"}, format="json", REMOTE_ADDR="10.0.0.9")
    locked = api.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json", REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429 and locked.json()["detail"]
    # The real user at another address is not locked out by the attacker.
    ok = api.post("/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json", REMOTE_ADDR="10.0.0.1")
    assert ok.status_code == 200


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_schema_and_docs_are_public(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/leads/" in schema.content and b"/api/v1/documents/verify/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr.net" not in docs.content  # served locally (intranets have no CDN)


def test_unknown_api_path_is_json_404(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/cases/{id}/" in (tmp_path / "schema.yml").read_text()
