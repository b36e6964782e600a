"""The referrals API as shared/api.md writes it: the liaison's inbox and package, receipt, decisions,
outcomes; outsiders and anonymous callers refused; bad input answered with field errors."""

import pytest
from django.utils import timezone

from referrals.models import Referral

pytestmark = pytest.mark.django_db


def url(referral, action=""):
    return f"/api/v1/referrals/{referral.pk}/" + (f"{action}/" if action else "")


def test_inbox_lists_what_was_sent_to_the_agency_with_filters(
    sent_referral, api_as, police, django_assert_max_num_queries
):
    client = api_as(police)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/referrals/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == sent_referral.pk and row["status"] == "awaiting_receipt" and row["kind"] == "criminal"
    assert row["number"].startswith("连医保刑移〔") and row["from_agency"]["code"] == "320700-bureau"
    assert client.get("/api/v1/referrals/?status=received").json()["count"] == 0
    assert client.get("/api/v1/referrals/?kind=criminal&status=awaiting_receipt").json()["count"] == 1
    assert client.get("/api/v1/referrals/?status=bogus").status_code == 400


def test_package_shows_documents_summary_and_deadlines_but_not_the_case(sent_referral, api_as, police):
    client = api_as(police)
    body = client.get(url(sent_referral)).json()
    assert {d["kind"] for d in body["documents"]} == {"criminal_referral_letter", "referral_report", "exhibit_list"}
    assert body["case_summary"]["amount"] == "12000.50"
    assert body["grounds"] and body["facts"]
    # The package documents can be fetched; the case cannot.
    document = body["documents"][0]
    assert client.get(document["pdf"]).status_code == 200
    assert client.get(f"/api/v1/cases/{sent_referral.case_id}/").status_code == 404
    assert "reporter" not in str(body)


def test_receipt_is_idempotent_and_sets_the_police_deadline(sent_referral, api_as, police):
    client = api_as(police)
    first = client.post(url(sent_referral, "receipt"))
    again = client.post(url(sent_referral, "receipt"))
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "received"
    steps = {d["step"]: d for d in first.json()["deadlines"]}
    assert steps["referral_filing_decision"]["due"] == str(timezone.localdate() + timezone.timedelta(days=3))
    assert Referral.objects.get(pk=sent_referral.pk).documents.filter(kind="referral_receipt").count() == 1


def test_accept_twice_is_a_conflict(sent_referral, api_as, police, police2):
    assert api_as(police).post(url(sent_referral, "accept"), {"reference": "连公刑立〔2026〕8号"}).status_code == 200
    second = api_as(police2).post(url(sent_referral, "accept"), {"reference": "X"})
    assert second.status_code == 409 and second.json()["detail"]
    assert api_as(police2).post(url(sent_referral, "reject"), {"reason": "x"}).status_code == 409


def test_bad_input_gets_field_messages(sent_referral, api_as, police, lyg_discipline):
    client = api_as(police)
    response = client.post(url(sent_referral, "reject"), {})
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client.post(url(sent_referral, "accept"), {"note": "x"})
    assert response.status_code == 400 and "reference" in response.json()["errors"]
    response = client.post(url(sent_referral, "forward"), {"agency": "nowhere", "reason": ""})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"agency", "reason"}
    response = client.post(
        url(sent_referral, "outcome"), {"kind": "judgment", "summary": "x", "decided_on": "2026-01-01"}
    )
    assert response.status_code == 409  # not accepted yet
    assert Referral.objects.get(pk=sent_referral.pk).status == Referral.Status.AWAITING_RECEIPT


def test_forward_then_outcome(sent_referral, api_as, police, inspector, lyg_discipline):
    response = api_as(police).post(
        url(sent_referral, "forward"), {"agency": lyg_discipline.code, "reason": "涉及公职人员"}
    )
    assert response.status_code == 200
    assert api_as(police).get(url(sent_referral)).status_code == 404
    client = api_as(inspector)
    assert client.get("/api/v1/referrals/").json()["count"] == 1
    assert client.post(url(sent_referral, "accept"), {"reference": "连纪受〔2026〕1号"}).status_code == 200
    body = {"kind": "discipline", "summary": "给予政务记过处分", "decided_on": str(timezone.localdate())}
    response = client.post(url(sent_referral, "outcome"), body)
    assert response.status_code == 200 and response.json()["kind"] == "discipline"
    assert client.post(url(sent_referral, "outcome"), body).status_code == 409


def test_outsiders_and_anonymous_are_refused(sent_referral, api, api_as, cz_officer, charlie, inspector, prosecutor):
    for path, method in [
        ("/api/v1/referrals/", "get"),
        (url(sent_referral), "get"),
        (url(sent_referral, "receipt"), "post"),
        (url(sent_referral, "accept"), "post"),
        (url(sent_referral, "reject"), "post"),
        (url(sent_referral, "forward"), "post"),
        (url(sent_referral, "outcome"), "post"),
    ]:
        assert getattr(api, method)(path).status_code in (401, 403), path
    for outsider in (cz_officer, charlie, inspector):
        client = api_as(outsider)
        assert client.get("/api/v1/referrals/").json()["count"] == 0
        assert client.get(url(sent_referral)).status_code == 404
        assert client.post(url(sent_referral, "accept"), {"reference": "x"}).status_code == 404
        assert client.post(url(sent_referral, "reject"), {"reason": "x"}).status_code == 404
    # The procuratorate reads its copy but does not decide for the police.
    client = api_as(prosecutor)
    assert client.get(url(sent_referral)).status_code == 200
    assert client.post(url(sent_referral, "accept"), {"reference": "x"}).status_code == 403
    # Refused before the body is read: an empty one is 403 too, not a list of field errors.
    for step in ("accept", "reject", "forward", "outcome"):
        assert client.post(url(sent_referral, step), {}).status_code == 403, step
    assert Referral.objects.get(pk=sent_referral.pk).status == Referral.Status.AWAITING_RECEIPT
