"""Races on one pharmacy's evaluation (PostgreSQL): the indicator's maximum holds, a repair happens once."""

import datetime

import pytest
from django.utils import timezone

from casework.errors import AlreadyDecided, InvalidInput
from ratings.indicator_data import load_indicators
from ratings.models import Deduction, Evaluation, Indicator
from ratings.services import deduction_record, deduction_repair
from tests.agreement_fixtures import lyg_agency, manager, manager2  # noqa: F401 — fixtures
from tests.factories import SubjectFactory, on_postgres
from tests.test_concurrency_pg import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")
    load_indicators(Indicator)  # transactional tests flush the migration's data


@pytest.fixture
def pharmacy(lyg_region):
    return SubjectFactory(region=lyg_region, kind="pharmacy")


def deduct(pharmacy, by, points):
    today = timezone.localdate()
    return deduction_record(
        subject=pharmacy,
        year=today.year,
        indicator=Indicator.objects.get(code="JC01"),  # maximum 25
        points=points,
        reason="日常检查发现执业药师不在岗。",
        occurred_on=datetime.date(today.year, 1, 1),
        by=by,
        today=today,
    )


def test_two_deductions_past_the_maximum_one_is_refused(pharmacy, manager, manager2):  # noqa: F811
    results = run_together([lambda: deduct(pharmacy, manager, 15), lambda: deduct(pharmacy, manager2, 15)])
    assert sorted(type(r).__name__ for r in results) == ["Deduction", "InvalidInput"], results
    assert any(isinstance(r, InvalidInput) for r in results)
    assert Evaluation.objects.get(subject=pharmacy).score == 985


def test_two_repairs_of_one_deduction_one_wins(pharmacy, manager, manager2):  # noqa: F811
    deduction = deduct(pharmacy, manager, 25)
    today = datetime.date(deduction.occurred_on.year, 1, 1)

    def repair(by):
        return deduction_repair(deduction=deduction, repaired_on=today, reason="已到岗。", by=by, today=today)

    results = run_together([lambda: repair(manager), lambda: repair(manager2)])
    assert sorted(type(r).__name__ for r in results) == ["AlreadyDecided", "Deduction"], results
    assert any(isinstance(r, AlreadyDecided) for r in results)
    assert Deduction.objects.get().repaired and Evaluation.objects.get(subject=pharmacy).score == 1000
