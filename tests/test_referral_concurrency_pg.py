"""Two liaisons deciding one referral at once, against PostgreSQL through the API: one 200, one 409."""

import pytest
from rest_framework.test import APIClient

from referrals.models import Referral
from tests.factories import on_postgres
from tests.test_concurrency_pg import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db, monkeypatch):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")
    from documents import services as document_services

    monkeypatch.setattr(document_services, "document_render", lambda document: document)


def post_as(user, path, body):
    def call():
        client = APIClient()
        client.force_authenticate(user)
        return client.post(path, body, format="json").status_code

    return call


@pytest.mark.parametrize("second", ["accept", "reject"])
def test_two_liaisons_deciding_at_once_one_wins(sent_referral, police, police2, second):
    base = f"/api/v1/referrals/{sent_referral.pk}/"
    bodies = {"accept": {"reference": "连公刑立〔2026〕21号", "note": "立案"}, "reject": {"reason": "不构成犯罪"}}
    results = run_together(
        [
            post_as(police, base + "accept/", bodies["accept"]),
            post_as(police2, base + f"{second}/", bodies[second]),
        ]
    )
    assert sorted(results) == [200, 409], results
    referral = Referral.objects.get(pk=sent_referral.pk)
    assert referral.status in (Referral.Status.ACCEPTED, Referral.Status.REJECTED)
    assert referral.events.filter(kind__in=["accepted", "rejected"]).count() == 1
    assert referral.documents.filter(kind="referral_receipt").count() == 1
