"""The subjects registry over the API: a user sees the registry of their region and below."""

import pytest

from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db


def test_region_scoped_registry(api, api_as, alice, charlie, police, auditor, subject, cz_region):
    cz_subject = SubjectFactory(region=cz_region, name="常州市第一人民医院")
    lyg = api_as(alice).get("/api/v1/subjects/").json()
    assert [row["code"] for row in lyg["results"]] == [subject.code]
    assert api_as(alice).get(f"/api/v1/subjects/{cz_subject.pk}/").status_code == 404
    assert api_as(charlie).get(f"/api/v1/subjects/{subject.pk}/").status_code == 404
    assert api_as(charlie).get(f"/api/v1/subjects/{cz_subject.pk}/").json()["name"] == "常州市第一人民医院"
    assert api.get("/api/v1/subjects/").status_code == 401
    # The registry names insured persons: partner agencies do not browse it; the province auditor sees both.
    assert api_as(police).get("/api/v1/subjects/").json()["count"] == 0
    assert api_as(police).get(f"/api/v1/subjects/{subject.pk}/").status_code == 404
    assert api_as(auditor).get("/api/v1/subjects/").json()["count"] == 2


def test_search_and_filters(api_as, alice, subject, other_subject):
    client = api_as(alice)
    assert [r["code"] for r in client.get("/api/v1/subjects/", {"q": "朝阳"}).json()["results"]] == [other_subject.code]
    assert client.get("/api/v1/subjects/", {"code": subject.code}).json()["count"] == 1
    assert client.get("/api/v1/subjects/", {"kind": "pharmacy"}).json()["count"] == 0


def test_registry_is_read_only(api_as, alice, subject):
    assert api_as(alice).post("/api/v1/subjects/", {}, format="json").status_code == 405
    assert api_as(alice).delete(f"/api/v1/subjects/{subject.pk}/").status_code == 405
