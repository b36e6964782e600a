"""Fixtures and helpers shared by the recovery tests (test_recoveries, test_recoveries_api, the PostgreSQL race):
two courts, an asset-recovery officer, court liaisons, a recovery with two debtors, and the outsiders."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from organisation.models import Agency
from organisation.roles import Role
from recoveries import services
from recoveries.models import Recovery, RecoveryPayment
from tests.factories import AgencyFactory, UserFactory
from workflows.triage import triage_decide

D = Decimal
BANK = RecoveryPayment.Channel.BANK_TRANSFER


def today():
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


# -------------------------------------------------------------------------------------------- fixtures


@pytest.fixture
def case(lead, alice):
    return triage_decide(lead=lead, by=alice, decision="open").case


@pytest.fixture
def lyg_court(lyg_region):
    return AgencyFactory(
        region=lyg_region,
        code="320700-court",
        name="连云港市海州区人民法院",
        kind=Agency.Kind.COURT,
        number_prefix="连法",
    )


@pytest.fixture
def cz_court(cz_region):
    return AgencyFactory(
        region=cz_region, code="320400-court", name="常州市天宁区人民法院", kind=Agency.Kind.COURT, number_prefix="常法"
    )


@pytest.fixture
def officer(lyg_bureau):
    return UserFactory(username="recovery", first_name="孙追", agency=lyg_bureau, roles=[Role.RECOVERY_OFFICER])


@pytest.fixture
def director(lyg_bureau):
    return UserFactory(username="director", first_name="局长", agency=lyg_bureau, roles=[Role.DIRECTOR])


@pytest.fixture
def court_liaison(lyg_court):
    return UserFactory(username="court", first_name="法官", agency=lyg_court, roles=[Role.LIAISON])


@pytest.fixture
def cz_court_liaison(cz_court):
    return UserFactory(username="cz_court", first_name="外院", agency=cz_court, roles=[Role.LIAISON])


@pytest.fixture
def cz_officer(cz_bureau):
    return UserFactory(username="cz_recovery", agency=cz_bureau, roles=[Role.RECOVERY_OFFICER])


@pytest.fixture
def recovery(case, lyg_court, officer, subject):
    return services.recovery_open(
        case=case,
        court=lyg_court,
        reference="(2026)苏0706刑初123号",
        judged_on=days(-90),
        kind=Recovery.Kind.JUDGMENT,
        debtors=[("陈某明", subject, "60000"), ("林某华", None, D("40000.00"))],
        by=officer,
    )


@pytest.fixture
def debtors(recovery):
    return list(recovery.debtors.order_by("pk"))


@pytest.fixture
def outsiders(charlie, police, cz_court_liaison, cz_officer, bob, clerk):
    """Users who must see nothing: another bureau, another agency of the region, another court, and the
    bureau's staff without a role in recovery."""
    return {
        "charlie": charlie,
        "police": police,
        "cz_court": cz_court_liaison,
        "cz_officer": cz_officer,
        "bob": bob,
        "clerk": clerk,
    }


def pay(debtor, by, amount, *, paid_on=None, receipt="R1"):
    return services.payment_record(
        debtor=debtor, by=by, paid_on=paid_on or today(), amount=amount, channel=BANK, receipt_no=receipt
    )
