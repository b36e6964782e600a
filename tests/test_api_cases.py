"""Cases over the API: list/detail with deadlines and documents; visibility; filters."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lead, alice):
    return triage_decide(lead=lead, by=alice, decision="open").case


def test_detail_has_number_deadlines_and_documents(api_as, alice, case):
    body = api_as(alice).get(f"/api/v1/cases/{case.pk}/").json()
    assert body["number"] == case.number and body["status"] == "opened"
    assert body["subjects"][0]["code"] == case.subjects.first().code
    step_display = body["deadlines"][0].pop("step_display")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in step_display), "step names are shown in Chinese"
    assert body["deadlines"] == [
        {
            "step": "penalty_decision",
            "due": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "overdue": False,
            "basis": case.deadlines.get().basis,
            "closed_on": None,
        }
    ]
    assert [d["title"] for d in body["documents"]] == ["立案审批表"]
    assert body["violations"] == []


def test_investigator_sees_outsiders_do_not(api, api_as, bob, charlie, police, auditor, case):
    assert api_as(bob).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api_as(auditor).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    for user in (charlie, police):
        assert api_as(user).get(f"/api/v1/cases/{case.pk}/").status_code == 404
        assert api_as(user).get("/api/v1/cases/").json()["count"] == 0
    assert api.get("/api/v1/cases/").status_code == 401


def test_overdue_and_status_filters(api_as, alice, make_lead, case):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=120)):
        late = triage_decide(lead=make_lead(), by=alice, decision="open").case
    client = api_as(alice)
    overdue = client.get("/api/v1/cases/", {"overdue": "true"}).json()["results"]
    assert [row["id"] for row in overdue] == [late.pk] and overdue[0]["overdue"] is True
    assert [r["id"] for r in client.get("/api/v1/cases/", {"overdue": "false"}).json()["results"]] == [case.pk]
    assert client.get("/api/v1/cases/", {"status": "withdrawn"}).json()["count"] == 0
    assert client.get("/api/v1/cases/", {"track": "penalty"}).json()["count"] == 0
    assert client.get("/api/v1/cases/", {"track": "bogus"}).status_code == 400


def test_list_query_count_is_constant(api_as, alice, make_lead, django_assert_max_num_queries):
    for _ in range(20):
        triage_decide(lead=make_lead(), by=alice, decision="open")
    with django_assert_max_num_queries(6):
        body = api_as(alice).get("/api/v1/cases/", {"page_size": 20}).json()
    assert body["count"] == 20


def test_cases_are_read_only_over_the_api(api_as, alice, case):
    assert api_as(alice).delete(f"/api/v1/cases/{case.pk}/").status_code == 405
    assert api_as(alice).post("/api/v1/cases/", {}, format="json").status_code == 405
