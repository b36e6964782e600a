"""Fixtures of the agreement-track tests: the handling agencies of both cities, their agreement
managers, and a case of alice's bureau with findings, handed to the outcome tracks."""

import datetime
from decimal import Decimal

import pytest

from agreements.services import agreement_start
from casework.findings import violation_add
from casework.models import Case, ViolationItem
from organisation.models import Agency
from organisation.roles import Role
from tests.factories import AgencyFactory, SubjectFactory, UserFactory
from workflows.investigation import investigation_assign
from workflows.triage import triage_decide


@pytest.fixture
def lyg_agency(lyg_region):
    return AgencyFactory(
        region=lyg_region,
        code="320700-agency",
        kind=Agency.Kind.INSURANCE_AGENCY,
        name="连云港市医疗保险管理中心",
        number_prefix="连医管",
    )


@pytest.fixture
def cz_agency(cz_region):
    return AgencyFactory(
        region=cz_region,
        code="320400-agency",
        kind=Agency.Kind.INSURANCE_AGENCY,
        name="常州市医疗保险管理中心",
        number_prefix="常医管",
    )


@pytest.fixture
def manager(lyg_agency):
    return UserFactory(username="manager", first_name="郑红梅", agency=lyg_agency, roles=[Role.AGREEMENT_MANAGER])


@pytest.fixture
def manager2(lyg_agency):
    return UserFactory(username="manager2", first_name="钱进", agency=lyg_agency, roles=[Role.AGREEMENT_MANAGER])


@pytest.fixture
def agency_head(lyg_agency):
    return UserFactory(username="agency_head", first_name="孙主任", agency=lyg_agency, roles=[Role.DIRECTOR])


@pytest.fixture
def cz_manager(cz_agency):
    return UserFactory(username="cz_manager", first_name="冯静怡", agency=cz_agency, roles=[Role.AGREEMENT_MANAGER])


@pytest.fixture
def people(alice, bob, charlie, auditor, police, manager, manager2, cz_manager, clerk):
    """Everyone, created before any action so that their role groups exist when access is granted."""
    return {
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "auditor": auditor,
        "police": police,
        "manager": manager,
        "manager2": manager2,
        "cz_manager": cz_manager,
        "clerk": clerk,
    }


def item(number=5, kind=ViolationItem.SubjectKind.INSTITUTION):
    # Loaded by a data migration; transactional tests flush it, hence get_or_create.
    return ViolationItem.objects.get_or_create(subject_kind=kind, number=number, defaults={"name": f"条目{number}"})[0]


def add_violation(case, by, subject, amount="20000.00", fund_loss="15000.00", number=5):
    return violation_add(
        case=case,
        by=by,
        subject=subject,
        item=item(number, subject.kind),
        period_from=datetime.date(2025, 1, 1),
        period_to=datetime.date(2025, 6, 30),
        amount=Decimal(amount),
        fund_loss=Decimal(fund_loss),
        patient_money=Decimal("0"),
        description="虚记检查费用、重复收费",
    )


@pytest.fixture
def pharmacy(lyg_region):
    return SubjectFactory(region=lyg_region, kind="pharmacy", name="海州区康民大药房", code="P32070300001")


@pytest.fixture
def insured(lyg_region):
    return SubjectFactory(region=lyg_region, kind="insured", name="张某", code="I32070300001")


@pytest.fixture
def handling_case(make_lead, people, alice, bob, subject, other_subject, pharmacy, insured, lyg_agency):
    """A case of alice's bureau with findings for the hospital and the pharmacy, now running its tracks."""
    case = triage_decide(
        lead=make_lead(subjects=[subject, other_subject, pharmacy, insured]), by=alice, decision="open"
    ).case
    investigation_assign(case=case, by=alice, investigators=[alice, bob])
    add_violation(case, bob, subject)
    add_violation(case, bob, subject, amount="5000.00", fund_loss="5000.00", number=7)
    add_violation(case, bob, pharmacy, amount="3000.00", fund_loss="3000.00", number=1)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.HANDLING)
    case.refresh_from_db()
    return case


@pytest.fixture
def action(handling_case, subject, alice):
    """Agreement sanctions against the hospital: improper amount ¥25,000, fund loss ¥20,000."""
    return agreement_start(case=handling_case, subject=subject, by=alice)
