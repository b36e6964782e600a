"""Two finance officers paying one reward at once, against PostgreSQL: exactly one succeeds."""

import pytest
from django.utils import timezone

from casework.errors import AlreadyDecided
from rewards import services
from rewards.models import Reward
from tests.factories import on_postgres
from tests.test_concurrency_pg import run_together
from tests.test_rewards import ALL_MET, PAYMENT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db, monkeypatch):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")
    from documents import services as document_services

    monkeypatch.setattr(document_services, "document_render", lambda document: document)


def test_two_finance_officers_paying_at_once_one_wins(named_reward, handler, alice, finance, finance2):
    reward = services.reward_review(reward=named_reward, by=handler, checks=ALL_MET)
    reward = services.reward_propose(reward=reward, by=handler, verified_amount="12000.50")
    reward = services.reward_approve(reward=reward, by=alice, decision="approve")
    reward = services.reward_notify(reward=reward, by=handler, channel="phone")
    reward = services.reward_claim(reward=reward, by=handler, identity_check="核验", payment=PAYMENT)
    today = timezone.localdate()
    results = run_together(
        [
            lambda: services.reward_pay(reward=reward, by=finance, paid_on=today, voucher_no="记-A"),
            lambda: services.reward_pay(reward=reward, by=finance2, paid_on=today, voucher_no="记-B"),
        ]
    )
    assert sum(isinstance(r, Reward) for r in results) == 1, results
    assert sum(isinstance(r, AlreadyDecided) for r in results) == 1, results
    assert Reward.objects.get(pk=reward.pk).voucher_no in ("记-A", "记-B")
