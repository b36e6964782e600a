"""POST /api/v1/screen-hits/ (shared/api.md "Screening hits"): batches, idempotency, grouping into leads, who may."""

import json
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from casework.deadlines import add_working_days
from casework.models import Lead, Subject
from casework.rules import CASE_DECISION_WORKING_DAYS
from intake.models import ScreenBatch, ScreenHit
from tests.factories import SubjectFactory
from workflows.selectors import triage_inbox

pytestmark = pytest.mark.django_db
URL = "/api/v1/screen-hits/"


def hit(n, *, subject=None, rule="R001", amount="100.00", **fields):
    subject = subject or {"kind": "institution", "code": "H32070300001", "name": "连云港市第一人民医院"}
    return {
        "source": "jsyb-zhjk",
        "external_id": f"E{n:06d}",
        "rule_code": rule,
        "rule_name": "重复收费",
        "subject": subject,
        "period_from": "2026-01-01",
        "period_to": "2026-01-31",
        "amount": amount,
        "details": {"visits": n},
        **fields,
    }


def ref(s: Subject) -> dict:
    return {"kind": s.kind, "code": s.code, "name": s.name}


def post(client, hits):
    return client.post(URL, {"hits": hits}, format="json")


def test_happy_path_opens_one_lead_per_subject_and_rule(api_as, screener, subject, other_subject, alice):
    hits = [
        hit(1, subject=ref(subject)),
        hit(2, subject=ref(subject), amount="0.50"),
        hit(3, subject=ref(subject), rule="R002"),
    ]
    hits.append(hit(4, subject=ref(other_subject), amount=12))
    response = post(api_as(screener), hits)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("received", "created", "duplicates", "rejected")} == {
        "received": 4,
        "created": 4,
        "duplicates": 0,
        "rejected": [],
    }
    assert body["leads_created"] == 3
    lead = Lead.objects.filter(subjects=subject, screen_hits__rule_code="R001").distinct().get()
    assert lead.source_kind == "screen_hit" and lead.status == "pending"
    assert lead.amount_estimate == Decimal("100.50")
    assert lead.screen_hits.count() == 2
    assert "重复收费" in lead.title or "R001" in lead.description
    assert lead.registered_by == screener and lead.agency == screener.agency
    first = lead.screen_hits.order_by("external_id").first()
    assert first.amount == Decimal("100.00") and first.details == {"visits": 1}
    assert str(first.period_from) == "2026-01-01"
    batch = ScreenBatch.objects.get()
    assert (batch.received, batch.created, batch.duplicates, batch.rejected, batch.leads_created) == (4, 4, 0, 0, 3)
    # Deadline as lead_register computes it; audit trail names the service account.
    assert lead.deadline == add_working_days(timezone.localdate(lead.received_at), CASE_DECISION_WORKING_DAYS)
    assert LogEntry.objects.get_for_object(lead).get().actor == screener


def test_same_batch_twice_creates_nothing_the_second_time(api_as, screener, subject):
    hits = [hit(n, subject=ref(subject)) for n in range(5)]
    client = api_as(screener)
    assert post(client, hits).json()["created"] == 5
    again = post(client, hits).json()
    assert (again["received"], again["created"], again["duplicates"], again["leads_created"]) == (5, 0, 5, 0)
    assert ScreenHit.objects.count() == 5 and Lead.objects.count() == 1


def test_repeats_inside_one_batch_count_as_duplicates(api_as, screener, subject):
    body = post(api_as(screener), [hit(1, subject=ref(subject)), hit(1, subject=ref(subject))]).json()
    assert (body["created"], body["duplicates"]) == (1, 1)


def test_invalid_hits_are_rejected_by_index_and_valid_ones_kept(api_as, screener, subject):
    hits = [
        hit(0, subject=ref(subject)),
        hit(1, subject=ref(subject), amount="-1"),
        hit(2, subject=ref(subject), amount="1.234"),
        hit(3, subject={"kind": "hospital", "code": "X", "name": "Y"}),
        hit(4, subject=ref(subject), period_from="2026-02-01", period_to="2026-01-01"),
        hit(5, subject=ref(subject), external_id=""),
        hit(6, subject=ref(subject), rule_name="规" * 121),
        "not an object",
        hit(8, subject=ref(subject), period_from="01/02/2026", details=[1]),
        hit(9, subject=ref(subject), amount="NaN", source="a\x00b"),
        hit(10, subject=ref(subject), amount="1e400"),
        hit(11, subject=ref(subject)),
    ]
    response = post(api_as(screener), hits)
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 2 and body["received"] == 12
    rejected = {item["index"]: item["errors"] for item in body["rejected"]}
    assert sorted(rejected) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert set(rejected[1]) == {"amount"} and set(rejected[2]) == {"amount"}
    assert set(rejected[3]) == {"subject.kind"}
    assert set(rejected[4]) == {"period_to"} and set(rejected[5]) == {"external_id"}
    assert set(rejected[6]) == {"rule_name"} and set(rejected[8]) == {"period_from", "details"}
    assert set(rejected[9]) == {"amount", "source"}
    assert all(isinstance(m, str) for errors in rejected.values() for ms in errors.values() for m in ms)


def test_hits_join_the_oldest_pending_lead_of_the_subject(api_as, screener, make_lead, subject, other_subject):
    older, newer = make_lead(amount_estimate=Decimal("10.00")), make_lead()
    body = post(
        api_as(screener), [hit(1, subject=ref(subject), amount="5.25"), hit(2, subject=ref(other_subject))]
    ).json()
    assert (body["created"], body["leads_created"], body["leads_updated"]) == (2, 1, 1)
    assert list(ScreenHit.objects.filter(subject=subject).values_list("lead", flat=True)) == [older.pk]
    older.refresh_from_db()
    assert older.amount_estimate == Decimal("15.25")
    assert newer.screen_hits.count() == 0
    assert ScreenHit.objects.get(subject=other_subject).lead.subjects.get() == other_subject


def test_lead_estimates_stop_at_the_largest_amount_stored(api_as, screener, make_lead, subject, other_subject):
    biggest = "999999999999.99"
    lead = make_lead(amount_estimate=Decimal("999999999999.00"))
    hits = [hit(1, subject=ref(subject), amount="5.00")]
    hits += [hit(n, subject=ref(other_subject), amount=biggest) for n in (2, 3)]
    assert post(api_as(screener), hits).json()["created"] == 3
    lead.refresh_from_db()
    assert lead.amount_estimate == Decimal(biggest)
    assert Lead.objects.exclude(pk=lead.pk).get().amount_estimate == Decimal(biggest)


def test_decided_leads_do_not_take_hits(api_as, screener, alice, lead, subject):
    from workflows.triage import triage_decide

    triage_decide(lead=lead, by=alice, decision="dismiss", reason="查无实据")
    body = post(api_as(screener), [hit(1, subject=ref(subject))]).json()
    assert body["leads_created"] == 1
    assert ScreenHit.objects.get().lead_id != lead.pk


def test_unknown_subject_is_registered_to_verify_in_the_accounts_region(api_as, screener, lyg_region):
    new = {"kind": "pharmacy", "code": "P3207009999", "name": "新开药房"}
    body = post(api_as(screener), [hit(1, subject=new), hit(2, subject=new)]).json()
    assert (body["created"], body["leads_created"]) == (2, 1)
    subject = Subject.objects.get(code="P3207009999")
    assert (subject.kind, subject.status, subject.region, subject.name) == (
        "pharmacy",
        "to_verify",
        lyg_region,
        "新开药房",
    )


def test_subject_of_another_region_is_rejected(api_as, screener, cz_region, subject):
    cz_subject = SubjectFactory(region=cz_region, code="H32040000001")
    body = post(api_as(screener), [hit(1, subject=ref(cz_subject)), hit(2, subject=ref(subject))]).json()
    assert body["created"] == 1
    assert [item["index"] for item in body["rejected"]] == [0]
    assert "subject.code" in body["rejected"][0]["errors"]
    assert not ScreenHit.objects.filter(subject=cz_subject).exists()


def test_cz_account_cannot_touch_lyg_subjects(api_as, cz_screener, subject, lead):
    body = post(api_as(cz_screener), [hit(1, subject=ref(subject))]).json()
    assert body["created"] == 0 and len(body["rejected"]) == 1
    assert lead.screen_hits.count() == 0 and Lead.objects.count() == 1


def test_subject_in_a_county_below_the_city_is_accepted(api_as, screener, lyg_region):
    from tests.factories import RegionFactory

    county = RegionFactory(code="320722", name="东海县", parent=lyg_region, level="county")
    county_subject = SubjectFactory(region=county, code="H32072200001")
    assert post(api_as(screener), [hit(1, subject=ref(county_subject))]).json()["created"] == 1


def test_new_leads_are_visible_to_alice_only_and_in_her_triage_inbox(api_as, screener, subject, alice, charlie):
    post(api_as(screener), [hit(1, subject=ref(subject))])
    lead = Lead.objects.get()
    assert Lead.objects.visible_to(alice).filter(pk=lead.pk).exists()
    assert not Lead.objects.visible_to(charlie).filter(pk=lead.pk).exists()
    inbox = list(triage_inbox(user=alice))
    assert [row.pk for row in inbox] == [lead.pk] and inbox[0].task_id is not None
    assert list(triage_inbox(user=charlie)) == []
    assert api_as(alice).get(f"/api/v1/leads/{lead.pk}/").status_code == 200
    assert api_as(charlie).get(f"/api/v1/leads/{lead.pk}/").status_code == 404


def test_more_than_5000_hits_is_413(api_as, screener, subject):
    response = post(api_as(screener), [hit(n, subject=ref(subject)) for n in range(5001)])
    assert response.status_code == 413
    assert isinstance(response.json()["detail"], str) and "5" in response.json()["detail"]
    assert ScreenHit.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"hits": {"a": 1}}',
        b'{"hits": "x"}',
        b"[]",
        b'{"items": []}',
        b'{"hits": [' * 100000,
        b'{"hits": [NaN]}',
        b"\xff\xfe",
        b"",
    ],
)
def test_malformed_bodies_are_400_in_the_error_shape(api_as, screener, body):
    response = api_as(screener).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_empty_list_is_fine(api_as, screener):
    body = post(api_as(screener), []).json()
    assert (body["received"], body["created"]) == (0, 0)


@pytest.mark.parametrize("who", ["alice", "police", "charlie"])
def test_only_screening_accounts_may_submit(api_as, request, who, subject):
    user = request.getfixturevalue(who)
    response = post(api_as(user), [hit(1, subject=ref(subject))])
    assert response.status_code == 403
    assert isinstance(response.json()["detail"], str)
    assert ScreenHit.objects.count() == 0


def test_anonymous_is_401(api, subject):
    response = post(api, [hit(1, subject=ref(subject))])
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


def test_wrong_method_is_405(api_as, screener):
    assert api_as(screener).get(URL).status_code == 405


def test_token_auth_works(api, screener, subject):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=screener)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert post(api, [hit(1, subject=ref(subject))]).status_code == 200


def test_amount_as_json_number_stays_exact(api_as, screener, subject):
    hits = [hit(1, subject=ref(subject), amount=None), hit(2, subject=ref(subject), amount=None)]
    raw = json.dumps({"hits": hits}).replace("null", "12345678901.23", 1).replace("null", "1e400", 1)
    body = api_as(screener).post(URL, raw, content_type="application/json").json()
    assert body["created"] == 1 and body["rejected"][0]["index"] == 1
    assert ScreenHit.objects.get().amount == Decimal("12345678901.23")


def test_500_hit_batch_takes_a_bounded_number_of_queries(
    api_as, screener, lyg_region, make_lead, django_assert_max_num_queries
):
    subjects = SubjectFactory.create_batch(60, region=lyg_region)
    make_lead(subjects=subjects[:10])
    hits = [hit(n, subject=ref(subjects[n % 60]), rule=f"R{(n // 60) % 3}") for n in range(450)]
    hits += [hit(1000 + n, subject={"kind": "insured", "code": f"I{n:08d}", "name": f"参保人{n}"}) for n in range(50)]
    client = api_as(screener)
    # Leads opened: 50 subjects × 3 rules + 50 new insured persons = 200, ten queries each to start
    # their triage flow (viewflow); everything else is a fixed number of statements per batch.
    with django_assert_max_num_queries(200 * 10 + 60):
        body = post(client, hits).json()
    assert (body["created"], body["leads_created"]) == (500, 200)
    with django_assert_max_num_queries(40):
        assert post(client, hits).json()["duplicates"] == 500
