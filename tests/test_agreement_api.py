"""协议处理 over the API: /api/v1/agreement-actions/ — who reads, who acts, filters, money as strings,
deadlines and documents, errors in the api.md shape, query count of the list."""

import datetime

import time_machine
from django.utils import timezone

from agreements.models import AgreementAction
from agreements.services import measure_add
from agreements.steps import agreement_issue_notice
from tests.agreement_fixtures import *  # noqa: F403
from tests.test_agreement_pages import more_actions

LIST = "/api/v1/agreement-actions/"
CLAUSES = "《服务协议》第二十一条"


def url(action, suffix=""):
    return f"{LIST}{action.pk}/{suffix}"


def days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


class TestRead:
    def test_list_and_detail_by_who_asks(self, action, people, api_as, api):
        for name, visible in {
            "manager": True,
            "alice": True,
            "bob": True,
            "auditor": True,
            "charlie": False,
            "cz_manager": False,
            "police": False,
        }.items():
            client = api_as(people[name])
            listed = client.get(LIST).json()
            assert [row["id"] for row in listed["results"]] == ([action.pk] if visible else []), name
            assert client.get(url(action)).status_code == (200 if visible else 404), name
        assert api.get(LIST).status_code == 401
        assert api.get(url(action)).status_code == 401
        assert api_as(people["manager"]).get(f"{LIST}99999999/").status_code == 404
        assert api_as(people["manager"]).get(f"{LIST}abc/").status_code == 404

    def test_detail_carries_measures_money_deadlines_and_documents(self, action, manager, api_as):
        client = api_as(manager)
        client.post(url(action, "measures/"), {"kind": "recovery", "amount": "15000.5"}, format="json")
        client.post(url(action, "measures/"), {"kind": "suspension", "months": 6, "starts_on": days(30)}, format="json")
        body = client.post(url(action, "notice/"), {"clauses": CLAUSES}, format="json").json()
        assert body["status"] == "statement" and body["notice_number"].startswith("连医管违约通〔")
        recovery = next(m for m in body["measures"] if m["kind"] == "recovery")
        assert recovery["amount"] == "15000.50" and recovery["notified"] is True
        suspension = next(m for m in body["measures"] if m["kind"] == "suspension")
        assert suspension["starts_on"] == days(30) and suspension["ends_on"] and suspension["amount"] is None
        assert body["totals"] == {"amount": "25000.00", "fund_loss": "20000.00"}
        assert {f["amount"] for f in body["findings"]} == {"20000.00", "5000.00"}
        assert body["deadlines"] == [
            {
                "step": "agreement_statement",
                "step_display": body["deadlines"][0]["step_display"],
                "due": body["statement_due"],
                "overdue": False,
                "basis": body["deadlines"][0]["basis"],
                "closed_on": None,
            }
        ]
        document = body["documents"][0]
        assert document["number"] == body["notice_number"] and document["kind"] == "breach_notice"
        assert document["pdf"].endswith(f"/api/v1/agreement-actions/{action.pk}/documents/{document['id']}/pdf/")
        assert body["case"] == {"id": action.case_id, "number": action.case.number, "title": action.case.title}
        assert body["subject"]["code"] == action.subject.code and body["agency"] == "320700-agency"

        with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=True):
            row = client.get(LIST).json()["results"][0]
            assert row["overdue"] is True
            assert [r["id"] for r in client.get(LIST, {"overdue": "true"}).json()["results"]] == [action.pk]
            assert client.get(LIST, {"overdue": "false"}).json()["results"] == []
            body = client.post(url(action, "decision/"), {"decision": "confirm"}, format="json").json()
        assert body["status"] == "done"
        assert {o["ledger"]: o["amount_due"] for o in body["obligations"]} == {"fund_refund": "15000.50"}
        assert body["obligations"][0]["balance"] == "15000.50" and body["obligations"][0]["paid"] == "0.00"
        assert body["deadlines"][0]["closed_on"] is not None

    def test_filters(self, action, handling_case, alice, manager, lyg_region, api_as):
        others = more_actions(handling_case, alice, 2, lyg_region, issue_by=manager)
        client = api_as(manager)
        ids = lambda **params: sorted(r["id"] for r in client.get(LIST, params).json()["results"])  # noqa: E731
        assert ids(status="statement") == [others[0].pk]
        assert ids(status="drafting") == sorted([action.pk, others[1].pk])
        assert ids(case=handling_case.pk) == sorted([action.pk, *[o.pk for o in others]])
        assert ids(case=handling_case.pk + 1000) == []
        response = client.get(LIST, {"status": "bogus"})
        assert response.status_code == 400 and "status" in response.json()["errors"]

    def test_list_query_count_does_not_grow(
        self, action, handling_case, alice, manager, lyg_region, api_as, django_assert_num_queries
    ):
        client = api_as(manager)
        client.get(LIST)
        with django_assert_num_queries(2):  # the count and the page with its joins (the groups are cached)
            assert client.get(LIST).status_code == 200
        more_actions(handling_case, alice, 8, lyg_region, issue_by=manager)
        with django_assert_num_queries(2):
            assert len(client.get(LIST).json()["results"]) == 9


class TestWrite:
    def test_who_may_act(self, action, people, api_as, api):
        body = {"kind": "criticism", "summary": "全市通报"}
        for name, status in {
            "alice": 403,
            "bob": 403,
            "auditor": 403,
            "charlie": 404,
            "cz_manager": 404,
            "police": 404,
        }.items():
            assert api_as(people[name]).post(url(action, "measures/"), body, format="json").status_code == status, name
        assert api.post(url(action, "measures/"), body, format="json").status_code == 401
        assert not action.measures.exists()
        response = api_as(people["manager"]).post(url(action, "measures/"), body, format="json")
        assert response.status_code == 201 and response.json()["measures"][0]["kind"] == "criticism"
        measure_id = response.json()["measures"][0]["id"]
        assert api_as(people["alice"]).delete(url(action, f"measures/{measure_id}/")).status_code == 403
        assert api_as(people["manager"]).delete(url(action, f"measures/{measure_id}/")).status_code == 200
        assert api_as(people["manager"]).delete(url(action, f"measures/{measure_id}/")).status_code == 404
        assert api_as(people["manager"]).get(url(action, "measures/")).status_code == 405

    def test_errors_name_the_rule_and_order_conflicts_are_409(self, action, manager, api_as):
        client = api_as(manager)
        response = client.post(
            url(action, "measures/"), {"kind": "liquidated_damages", "amount": "200000"}, format="json"
        )
        assert response.status_code == 400
        body = response.json()
        assert body["detail"] and "违约责任条款" in body["errors"]["amount"][0]
        response = client.post(url(action, "measures/"), {"kind": "recovery", "amount": "abc"}, format="json")
        assert response.status_code == 400 and "amount" in response.json()["errors"]
        assert client.post(url(action, "decision/"), {"decision": "confirm"}, format="json").status_code == 409
        assert client.post(url(action, "check/"), {"result": "passed", "note": "x"}, format="json").status_code == 409
        statement = {"received_on": timezone.localdate().isoformat(), "text": "申辩"}
        assert client.post(url(action, "statement/"), statement, format="json").status_code == 409
        assert (
            client.post(url(action, "notice/"), {"clauses": CLAUSES}, format="json").status_code == 400
        )  # no measures
        client.post(url(action, "measures/"), {"kind": "criticism"}, format="json")
        assert client.post(url(action, "notice/"), {"clauses": CLAUSES}, format="json").status_code == 200
        assert client.post(url(action, "notice/"), {"clauses": CLAUSES}, format="json").status_code == 409
        response = client.post(url(action, "decision/"), {"decision": "confirm"}, format="json")
        assert response.status_code == 409 and "陈述、申辩" in response.json()["detail"]
        assert client.post(url(action, "statement/"), statement, format="json").status_code == 200
        assert client.post(url(action, "decision/"), {"decision": "confirm"}, format="json").status_code == 200
        assert client.post(url(action, "decision/"), {"decision": "confirm"}, format="json").status_code == 409
        assert AgreementAction.objects.get(pk=action.pk).status == "done"

    def test_rectification_check_over_the_api(self, action, manager, api_as):
        client = api_as(manager)
        client.post(
            url(action, "measures/"), {"kind": "rectification", "due_on": days(30), "summary": "整改"}, format="json"
        )
        client.post(url(action, "notice/"), {"clauses": CLAUSES}, format="json")
        with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=True):
            body = client.post(url(action, "decision/"), {"decision": "confirm"}, format="json").json()
        assert body["status"] == "rectifying" and body["check_due"] == days(30)
        assert [d["step"] for d in body["deadlines"]] == ["agreement_statement", "rectification"]
        with time_machine.travel(timezone.now() + datetime.timedelta(days=31), tick=True):
            body = client.post(url(action, "check/"), {"result": "failed", "note": "仍未整改"}, format="json").json()
        assert body["status"] == "done" and body["check_result"] == "failed"


class TestPdf:
    def test_pdf_for_readers_only(self, action, manager, people, api_as, api, monkeypatch):
        from documents import services as document_services

        monkeypatch.setattr(document_services, "render_pdf", lambda **kwargs: b"%PDF-1.7 notice")
        measure_add(action=action, by=manager, kind="criticism", summary="")
        action = agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        pdf = url(action, f"documents/{action.notice_id}/pdf/")
        for name, status in {"manager": 200, "alice": 200, "auditor": 200, "charlie": 404, "police": 404}.items():
            response = api_as(people[name]).get(pdf)
            assert response.status_code == status, name
        assert api_as(manager).get(pdf).content == b"%PDF-1.7 notice"
        other = action.case.documents.exclude(pk=action.notice_id).first()
        assert api_as(manager).get(url(action, f"documents/{other.pk}/pdf/")).status_code == 404
        assert api.get(pdf).status_code == 401
