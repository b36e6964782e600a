"""Leads over the API: list/detail/filters, registration, triage; who may do what."""

import datetime

import pytest
from django.utils import timezone

from casework.models import Lead
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_in_the_contract_shape(api, lead):
    for path in ("/api/v1/leads/", f"/api/v1/leads/{lead.pk}/"):
        response = api.get(path)
        assert response.status_code == 401
        assert isinstance(response.json()["detail"], str)


def test_owner_lists_leads_with_contract_fields(api_as, alice, lead, subject):
    body = api_as(alice).get("/api/v1/leads/").json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 1
    row = body["results"][0]
    assert {"id", "source_kind", "status", "received_at", "deadline", "subjects"} <= set(row)
    assert row["subjects"] == [{"kind": "institution", "code": subject.code, "name": subject.name}]
    assert row["deadline"] == lead.deadline.isoformat()
    assert row["received_at"].endswith("+08:00")


def test_outsiders_see_nothing(api_as, charlie, police, auditor, lead):
    for user in (charlie, police):
        client = api_as(user)
        assert client.get("/api/v1/leads/").json()["count"] == 0
        assert client.get(f"/api/v1/leads/{lead.pk}/").status_code == 404
    # The province auditor reads.
    assert api_as(auditor).get(f"/api/v1/leads/{lead.pk}/").status_code == 200


def test_unknown_and_malformed_ids_are_404(api_as, alice, db):
    client = api_as(alice)
    assert client.get("/api/v1/leads/999999/").status_code == 404
    assert client.get("/api/v1/leads/abc/").status_code == 404


def test_filters(api_as, alice, make_lead, other_subject):
    old = make_lead(received_at=timezone.now() - datetime.timedelta(days=60), source_kind="report")
    fresh = make_lead(subjects=[other_subject])
    client = api_as(alice)

    def ids(query):
        return [row["id"] for row in client.get("/api/v1/leads/", query).json()["results"]]

    assert ids({"overdue": "true"}) == [old.pk]
    assert ids({"source_kind": "report"}) == [old.pk]
    assert ids({"subject": other_subject.code}) == [fresh.pk]
    assert ids({"subject": str(other_subject.pk)}) == [fresh.pk]
    assert ids({"received_from": timezone.localdate().isoformat()}) == [fresh.pk]
    assert ids({"received_to": (timezone.localdate() - datetime.timedelta(days=30)).isoformat()}) == [old.pk]
    triage_decide(lead=fresh, by=alice, decision="open")
    assert ids({"status": "opened"}) == [fresh.pk]


def test_bad_filter_values_are_400_with_field_errors(api_as, alice, db):
    response = api_as(alice).get("/api/v1/leads/", {"status": "lost", "received_from": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "received_from"}


def test_page_size_is_capped_at_200(api_as, alice, make_lead):
    for _ in range(3):
        make_lead()
    body = api_as(alice).get("/api/v1/leads/", {"page_size": 2}).json()
    assert len(body["results"]) == 2 and body["next"]
    assert len(api_as(alice).get("/api/v1/leads/", {"page_size": 5000}).json()["results"]) == 3


def test_list_query_count_does_not_grow_with_rows(api_as, alice, make_lead, django_assert_max_num_queries):
    for _ in range(30):
        make_lead()
    with django_assert_max_num_queries(6):
        assert api_as(alice).get("/api/v1/leads/", {"page_size": 30}).status_code == 200


class TestTriage:
    def url(self, lead):
        return f"/api/v1/leads/{lead.pk}/triage/"

    def test_open_case(self, api_as, alice, lead):
        response = api_as(alice).post(self.url(lead), {"decision": "open"}, format="json")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "opened" and body["case"]
        assert [d["title"] for d in body["documents"]] == ["立案审批表"]

    def test_second_decision_is_409(self, api_as, alice, alice2, lead):
        assert api_as(alice).post(self.url(lead), {"decision": "open"}, format="json").status_code == 200
        response = api_as(alice2).post(self.url(lead), {"decision": "dismiss", "reason": "x"}, format="json")
        assert response.status_code == 409
        assert response.json()["detail"]

    def test_dismiss_without_reason_is_400_and_nothing_changes(self, api_as, alice, lead):
        response = api_as(alice).post(self.url(lead), {"decision": "dismiss"}, format="json")
        assert response.status_code == 400
        assert "reason" in response.json()["errors"]
        lead.refresh_from_db()
        assert lead.status == Lead.Status.PENDING

    def test_merge_target_must_be_visible(self, api_as, alice, charlie, lead, make_lead):
        response = api_as(alice).post(self.url(lead), {"decision": "merge", "case": 99999}, format="json")
        assert response.status_code == 400 and "case" in response.json()["errors"]

    def test_bad_decision_and_malformed_json(self, api_as, alice, lead):
        client = api_as(alice)
        assert client.post(self.url(lead), {"decision": "burn"}, format="json").status_code == 400
        response = client.post(self.url(lead), "{not json", content_type="application/json")
        assert response.status_code == 400 and response.json()["detail"]

    def test_read_only_users_get_403_outsiders_404_anonymous_401(self, api, api_as, bob, auditor, charlie, lead):
        assert api_as(bob).post(self.url(lead), {"decision": "open"}, format="json").status_code == 403
        assert api_as(auditor).post(self.url(lead), {"decision": "open"}, format="json").status_code == 403
        assert api_as(charlie).post(self.url(lead), {"decision": "open"}, format="json").status_code == 404
        assert api.post(self.url(lead), {"decision": "open"}, format="json").status_code == 401
        lead.refresh_from_db()
        assert lead.status == Lead.Status.PENDING

    def test_wrong_method_is_405(self, api_as, alice, lead):
        assert api_as(alice).get(self.url(lead)).status_code == 405
        assert api_as(alice).delete(f"/api/v1/leads/{lead.pk}/").status_code == 405


class TestRegister:
    def test_clerk_registers_a_lead(self, api_as, clerk, subject):
        response = api_as(clerk).post(
            "/api/v1/leads/",
            {
                "source_kind": "superior",
                "title": "省局交办线索",
                "description": "省局转来的举报材料。",
                "subjects": [subject.pk],
                "amount_estimate": "12345.60",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "pending" and body["amount_estimate"] == "12345.60"
        assert Lead.objects.get(pk=body["id"]).registered_by == clerk

    def test_subjects_of_another_region_are_refused(self, api_as, clerk, cz_region):
        from tests.factories import SubjectFactory

        foreign = SubjectFactory(region=cz_region)
        response = api_as(clerk).post(
            "/api/v1/leads/",
            {"source_kind": "report", "title": "t", "description": "d", "subjects": [foreign.pk]},
            format="json",
        )
        assert response.status_code == 400 and "subjects" in response.json()["errors"]
        assert not Lead.objects.exists()

    def test_missing_fields_are_listed(self, api_as, clerk):
        response = api_as(clerk).post("/api/v1/leads/", {}, format="json")
        assert response.status_code == 400
        assert {"source_kind", "title", "description", "subjects"} <= set(response.json()["errors"])

    def test_users_without_the_role_cannot_register(self, api_as, police, auditor, subject):
        body = {"source_kind": "report", "title": "t", "description": "d", "subjects": [subject.pk]}
        assert api_as(police).post("/api/v1/leads/", body, format="json").status_code == 403
        assert api_as(auditor).post("/api/v1/leads/", body, format="json").status_code == 403


class TestOddInput:
    """Bad input is a 4xx in the contract's shape, never a 500."""

    def test_huge_and_odd_ids(self, api_as, alice, lead):
        client = api_as(alice)
        for path in (
            "/api/v1/leads/99999999999999999999999/",
            "/api/v1/leads/-1/",
            "/api/v1/cases/0/",
            "/api/v1/documents/99999999999999999999999/",
            "/api/v1/subjects/99999999999999999999/",
        ):
            assert client.get(path).status_code == 404, path
        assert client.get("/api/v1/leads/", {"subject": "9" * 40}).status_code == 200
        response = client.post(f"/api/v1/leads/{lead.pk}/triage/", {"decision": "merge", "case": 10**30}, format="json")
        assert response.status_code == 400

    def test_non_object_bodies(self, api, api_as, alice, lead):
        assert api.post("/api/v1/auth/token/", [1, 2], format="json").status_code == 400
        client = api_as(alice)
        assert client.post(f"/api/v1/leads/{lead.pk}/triage/", [1], format="json").status_code == 400
        assert client.post("/api/v1/leads/", "null", content_type="application/json").status_code in (400, 403)

    def test_ancient_and_future_receipt_dates(self, api_as, clerk, subject):
        client = api_as(clerk)
        for when in ("0001-01-01T00:00:00+14:00", "2999-01-01T00:00:00+08:00"):
            response = client.post(
                "/api/v1/leads/",
                {
                    "source_kind": "report",
                    "title": "t",
                    "description": "d",
                    "subjects": [subject.pk],
                    "received_at": when,
                },
                format="json",
            )
            assert response.status_code == 400 and "received_at" in response.json()["errors"], when
