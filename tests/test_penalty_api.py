# ruff: noqa: F811  (pytest fixtures imported from tests/test_penalty_support.py are used as parameters)
"""GET /api/v1/penalties/ and /{id}/: contract shape, filters, visibility, errors, query count."""

from penalties.services import penalty_start
from tests.test_penalty_support import (  # noqa: F401  (fixtures)
    FUND_LOSS,
    bob2,
    case,
    days_ago,
    decided_and_served,
    director,
    finance,
    legal,
    make_case,
    notice,
    penalty,
)

LIST = "/api/v1/penalties/"


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_list_shows_the_owners_penalties_with_money_as_strings(api_as, alice, bob, penalty):
    penalty = notice(penalty, bob)
    response = api_as(alice).get(LIST)
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["id"] == penalty.pk and row["case"] == penalty.case_id and row["status"] == "statement"
    assert row["fine"] == "60000.00" and row["refund"] == "30000.00" and row["confiscation"] is None
    assert row["subject"] == {"kind": "institution", "code": "H32070300001", "name": "连云港市第一人民医院"}
    # Opened 100 days ago and still undecided: the 90-day decision deadline has passed.
    assert row["overdue"] is True


def test_outsider_sees_nothing_and_gets_404(api_as, charlie, penalty):
    client = api_as(charlie)
    assert client.get(LIST).json()["count"] == 0
    response = client.get(f"{LIST}{penalty.pk}/")
    assert response.status_code == 404 and "detail" in response.json()


def test_auditor_reads(api_as, auditor, penalty):
    client = api_as(auditor)
    assert ids(client.get(LIST)) == [penalty.pk]
    assert client.get(f"{LIST}{penalty.pk}/").status_code == 200


def test_anonymous_is_refused(api, penalty):
    assert api.get(LIST).status_code == 401
    assert api.get(f"{LIST}{penalty.pk}/").status_code == 401


def test_read_only(api_as, alice, penalty):
    client = api_as(alice)
    assert client.post(LIST, {}).status_code == 405
    assert client.delete(f"{LIST}{penalty.pk}/").status_code == 405


def test_bad_ids_and_filters(api_as, alice, penalty):
    client = api_as(alice)
    assert client.get(f"{LIST}99999999/").status_code == 404
    response = client.get(LIST, {"status": "nonsense"})
    assert response.status_code == 400 and "status" in response.json()["errors"]
    assert client.get(LIST, {"case": "x"}).status_code == 400


def test_detail_with_steps_deadlines_and_documents(api_as, alice, bob, penalty):
    penalty = decided_and_served(penalty, alice, bob, served_days_ago=20)
    body = api_as(alice).get(f"{LIST}{penalty.pk}/").json()
    assert body["status"] == "execution" and body["current_step"] == "execution"
    assert [s["kind"] for s in body["steps"]] == ["started", "notice", "statement", "decision", "service"]
    assert body["steps"][3]["document"] == penalty.decision.number and body["steps"][3]["by"] == "alice"
    deadlines = {d["step"]: d for d in body["deadlines"]}
    assert deadlines["fine_payment"] == {
        "step": "fine_payment",
        "due": days_ago(5).isoformat(),
        "overdue": True,
        "basis": "《中华人民共和国行政处罚法》第六十七条",
        "closed_on": None,
    }
    assert deadlines["penalty_decision"]["closed_on"] == days_ago(20).isoformat()
    assert {d["title"] for d in body["documents"]} == {"行政处罚事先告知书", "行政处罚决定书", "送达回证"}
    assert {o["ledger"]: o["balance"] for o in body["obligations"]} == {"fine": "60000.00", "fund_refund": "30000.00"}
    assert body["overdue"] is True


def test_filters_status_case_and_overdue(api_as, alice, bob, make_case, subject, other_subject):
    late = penalty_start(case=make_case((subject, FUND_LOSS)), subject=subject, by=alice)
    late = decided_and_served(late, alice, bob, served_days_ago=20)
    fresh_case = make_case((other_subject, FUND_LOSS), opened_days_ago=10)
    fresh = notice(penalty_start(case=fresh_case, subject=other_subject, by=alice), bob, served_days_ago=1)
    client = api_as(alice)
    assert ids(client.get(LIST, {"overdue": "true"})) == [late.pk]
    assert ids(client.get(LIST, {"overdue": "false"})) == [fresh.pk]
    assert ids(client.get(LIST, {"status": "statement"})) == [fresh.pk]
    assert ids(client.get(LIST, {"case": late.case_id})) == [late.pk]


def test_list_query_count_is_constant(api_as, alice, bob, make_case, lyg_region, django_assert_max_num_queries):
    from tests.factories import SubjectFactory

    subjects = [SubjectFactory(region=lyg_region) for _ in range(8)]
    case = make_case(*[(s, FUND_LOSS) for s in subjects])
    for s in subjects:
        notice(penalty_start(case=case, subject=s, by=alice), bob)
    client = api_as(alice)
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert response.json()["count"] == 8
