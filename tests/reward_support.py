"""A case that began with a report, investigated and closed with a verified violation: its reward waits."""

import pytest

from intake.models import Report
from intake.submission import report_submit
from organisation.roles import Role
from rewards.models import Reward
from tests.factories import UserFactory
from tests.investigation_support import investigate
from workflows.outcome import OutcomeChoice, case_close, outcome_decide
from workflows.triage import triage_decide

REPORTER = {"name": "韩梅梅", "id_number": "", "phone": "13912345678", "email": "hmm@example.cn", "address": "海州区"}


@pytest.fixture
def handler(lyg_bureau):
    return UserFactory(username="handler", first_name="奖励经办", agency=lyg_bureau, roles=[Role.REWARD_HANDLER])


@pytest.fixture
def finance(lyg_bureau):
    return UserFactory(username="finance", first_name="财务甲", agency=lyg_bureau, roles=[Role.FINANCE])


@pytest.fixture
def finance2(lyg_bureau):
    return UserFactory(username="finance2", first_name="财务乙", agency=lyg_bureau, roles=[Role.FINANCE])


@pytest.fixture
def head(lyg_bureau):
    return UserFactory(username="head", first_name="局长", agency=lyg_bureau, roles=[Role.DIRECTOR])


def submit(subject, *, anonymous=False, agency=None, region=None, by=None):
    return report_submit(
        agency=agency,
        region_code=region.code if region is not None else "",
        channel=Report.Channel.HOTLINE_12393 if agency is not None else Report.Channel.WEB,
        subject_kind=subject.kind,
        subject_name=subject.name,
        subject_code=subject.code,
        description="该院在2026年3月为未住院的参保人办理住院结算，虚构住院服务。",
        anonymous=anonymous,
        reporter=None if anonymous else REPORTER,
        by=by,
    )


def closed_case_from(report, alice, officers, subject):
    """Open the report's lead as a case, investigate it, decide nothing more and close it."""
    case = triage_decide(lead=report.lead, by=alice, decision="open").case
    case = investigate(case, alice, officers, subject)
    outcome_decide(case=case, by=alice, choice=OutcomeChoice(reasoning="当事人已退回全部违规费用。"))
    case_close(case=case, by=alice, summary="违规费用已追回，予以结案。")
    return case


@pytest.fixture
def named_reward(lyg_bureau, clerk, alice, bob, bob2, subject, handler, finance, head):
    report = submit(subject, agency=lyg_bureau, by=clerk).report
    case = closed_case_from(report, alice, [bob, bob2], subject)
    return Reward.objects.get(case=case)
