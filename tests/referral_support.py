"""Building blocks for referral tests: a case decided for referral, and the steps both sides take."""

import datetime

import pytest
from django.utils import timezone

from casework.models import Evidence
from organisation.models import Agency
from organisation.roles import Role
from referrals import services
from referrals.grounds import load_grounds
from referrals.models import Referral, ReferralGround
from tests.factories import AgencyFactory, UserFactory
from tests.investigation_support import investigate
from workflows.outcome import OutcomeChoice, outcome_decide
from workflows.triage import triage_decide


@pytest.fixture
def director(lyg_bureau):
    return UserFactory(username="director", first_name="周局长", agency=lyg_bureau, roles=[Role.DIRECTOR])


@pytest.fixture
def bob2(lyg_bureau):
    return UserFactory(username="bob2", first_name="孙伟", agency=lyg_bureau, roles=[Role.INVESTIGATOR])


@pytest.fixture
def lyg_procuratorate(lyg_region):
    return AgencyFactory(
        region=lyg_region,
        code="320700-procuratorate",
        name="连云港市人民检察院",
        kind=Agency.Kind.PROCURATORATE,
        number_prefix="连检",
    )


@pytest.fixture
def prosecutor(lyg_procuratorate):
    return UserFactory(username="prosecutor", first_name="吴检察官", agency=lyg_procuratorate, roles=[Role.LIAISON])


@pytest.fixture
def police2(lyg_police):
    return UserFactory(username="police2", first_name="郑警官", agency=lyg_police, roles=[Role.LIAISON])


@pytest.fixture
def lyg_discipline(lyg_region):
    return AgencyFactory(
        region=lyg_region,
        code="320700-discipline",
        name="连云港市纪委监委",
        kind=Agency.Kind.DISCIPLINE,
        number_prefix="连纪",
    )


@pytest.fixture
def inspector(lyg_discipline):
    return UserFactory(username="inspector", first_name="钱主任", agency=lyg_discipline, roles=[Role.LIAISON])


@pytest.fixture
def cz_police(cz_region):
    return AgencyFactory(
        region=cz_region, code="320400-police", name="常州市公安局", kind=Agency.Kind.POLICE, number_prefix="常公"
    )


@pytest.fixture
def cz_officer(cz_police):
    return UserFactory(username="cz_officer", first_name="冯警官", agency=cz_police, roles=[Role.LIAISON])


def decided_for_referral(case, head, to_agency, grounds="涉嫌诈骗医保基金，数额较大。") -> Referral:
    outcome_decide(case=case, by=head, choice=OutcomeChoice(referral_agencies=[to_agency], referral_grounds=grounds))
    return Referral.objects.get(case=case)


def prepared(referral, officer) -> Referral:
    # Transactional tests empty the tables the migrations filled: bring the grounds back.
    load_grounds(ReferralGround)
    grounds = list(ReferralGround.objects.filter(agency_kind=referral.to_agency.kind)[:2])
    return services.referral_report(
        referral=referral,
        by=officer,
        grounds=grounds,
        facts="当事人通过虚记检查费用骗取医保基金12000.50元。",
        evidence=list(Evidence.objects.filter(case=referral.case)),
    )


def sent(referral, officer, director) -> Referral:
    referral = prepared(referral, officer)
    referral = services.referral_approve(referral=referral, by=director, approve=True, note="同意移送。")
    return services.referral_send(referral=referral, by=officer)


@pytest.fixture
def referral_case(make_lead, alice, bob, bob2, subject, other_subject, lyg_procuratorate):
    # Transactional tests empty the tables the migrations filled: bring the grounds back.
    load_grounds(ReferralGround)
    case = triage_decide(lead=make_lead(subjects=[subject, other_subject]), by=alice, decision="open").case
    return investigate(case, alice, [bob, bob2], subject)


@pytest.fixture
def sent_referral(referral_case, alice, bob, director, lyg_police, police, police2, prosecutor):
    return sent(decided_for_referral(referral_case, alice, lyg_police), bob, director)


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)
