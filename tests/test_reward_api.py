"""The rewards API as shared/api.md writes it: who reads what, identity and bank details only for the
roles allowed (each read audit-logged), outsiders and anonymous callers refused."""

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from rewards import services
from tests.test_rewards import ALL_MET, PAYMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(named_reward, handler, alice):
    reward = services.reward_review(reward=named_reward, by=handler, checks=ALL_MET)
    reward = services.reward_propose(reward=reward, by=handler, verified_amount="12000.50")
    reward = services.reward_approve(reward=reward, by=alice, decision="approve")
    reward = services.reward_notify(reward=reward, by=handler, channel="phone")
    return services.reward_claim(reward=reward, by=handler, identity_check="核验身份证原件", payment=PAYMENT)


def test_list_and_detail_in_the_contract_shape(claimed, api_as, handler, django_assert_max_num_queries):
    client = api_as(handler)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/rewards/").json()
    assert body["count"] == 1
    row = body["results"][0]
    for key in (
        "id",
        "case",
        "status",
        "proposed_amount",
        "approved_amount",
        "notified_on",
        "claim_deadline",
        "paid_on",
    ):
        assert key in row
    assert row["status"] == "paying" and row["approved_amount"] == "600.03" and row["paid_on"] is None
    assert "reporter" not in row and "payment" not in row
    assert client.get("/api/v1/rewards/?status=paid").json()["count"] == 0
    assert client.get("/api/v1/rewards/?status=bogus").status_code == 400


def test_identity_for_the_handler_bank_details_for_finance_each_read_logged(claimed, api_as, handler, finance, alice):
    LogEntry.objects.filter(action=LogEntry.Action.ACCESS).delete()
    detail = api_as(handler).get(f"/api/v1/rewards/{claimed.pk}/").json()
    assert detail["reporter"]["name"] == "韩梅梅" and detail["payment"]["account"] == PAYMENT["account"]
    detail = api_as(finance).get(f"/api/v1/rewards/{claimed.pk}/").json()
    assert detail["reporter"] is None and detail["payment"]["payee"] == "韩梅梅"
    detail = api_as(alice).get(f"/api/v1/rewards/{claimed.pk}/").json()
    assert detail["reporter"] is None and detail["payment"] is None and detail["approved_amount"] == "600.03"
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type__model="reward").count() == 3


def test_outsiders_and_anonymous_see_nothing(claimed, api, api_as, bob, police, charlie, clerk):
    assert api.get("/api/v1/rewards/").status_code in (401, 403)
    assert api.get(f"/api/v1/rewards/{claimed.pk}/").status_code in (401, 403)
    for outsider in (bob, police, charlie, clerk):
        client = api_as(outsider)
        assert client.get("/api/v1/rewards/").json()["count"] == 0
        assert client.get(f"/api/v1/rewards/{claimed.pk}/").status_code == 404


def test_paid_reward(claimed, api_as, finance):
    services.reward_pay(reward=claimed, by=finance, paid_on=timezone.localdate(), voucher_no="记-1")
    row = api_as(finance).get(f"/api/v1/rewards/{claimed.pk}/").json()
    assert row["status"] == "paid" and row["paid_on"] == str(timezone.localdate()) and row["voucher_no"] == "记-1"
