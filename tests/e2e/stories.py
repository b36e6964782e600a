"""Preconditions the browser scenarios start from, built with the same services the users' pages call.

Each story runs in a separate process against the e2e server's database (see conftest.Server.story) and
returns JSON-able ids. Only what a scenario is not about is built here; the steps it is about are clicked.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from casework.models import Lead, Subject
from intake.models import Report
from intake.submission import report_submit
from organisation.models import Agency, User
from recoveries import services as recovery_services
from recoveries.models import Recovery
from referrals import services as referral_services
from referrals.models import Referral
from rewards.models import Reward
from tests.investigation_support import investigate
from workflows.outcome import OutcomeChoice, case_close, outcome_decide
from workflows.triage import triage_decide, triage_start


def _user(username: str) -> User:
    return User.objects.get(username=username)


def investigated_case(prefix: str = "lyg", title: str = "虚记检查费用", subject_code: str = "") -> dict:
    """A case of the city's bureau, investigated by its two investigators, awaiting the outcome decision."""
    head = _user(f"{prefix}_head")
    bureau = head.agency
    subjects = Subject.objects.filter(region__in=bureau.region.descendant_ids(), kind=Subject.Kind.INSTITUTION)
    subject = subjects.get(code=subject_code) if subject_code else subjects.order_by("code").first()
    with transaction.atomic():
        lead = triage_start(
            agency=bureau,
            source_kind=Lead.SourceKind.INSPECTION,
            title=f"{subject.name}{title}",
            description=f"现场检查发现{subject.name}{title}。",
            subjects=[subject],
            by=head,
        )
    case = triage_decide(lead=lead, by=head, decision="open").case
    case = investigate(case, head, [_user(f"{prefix}_inv1"), _user(f"{prefix}_inv2")], subject)
    return {"case": case.pk, "number": case.number, "subject": subject.name}


def referral_awaiting_approval(prefix: str = "lyg", subject_code: str = "") -> dict:
    """A case decided for referral to the city's police, the officers' report done: the head decides next."""
    story = investigated_case(prefix, title="伪造住院病历骗取医保基金", subject_code=subject_code)
    from casework.models import Case, Evidence

    case = Case.objects.get(pk=story["case"])
    police = Agency.objects.get(code=f"{case.agency.region.code}-police")
    outcome_decide(
        case=case,
        by=_user(f"{prefix}_head"),
        choice=OutcomeChoice(referral_agencies=[police], referral_grounds="涉嫌诈骗医保基金，数额较大。"),
    )
    referral = Referral.objects.get(case=case)
    grounds = list(referral_services.grounds_for(referral)[:1])
    referral_services.referral_report(
        referral=referral,
        by=_user(f"{prefix}_inv1"),
        grounds=grounds,
        facts="当事人伪造住院病历，虚构住院服务，骗取医保基金12000.50元。",
        evidence=list(Evidence.objects.filter(case=case)),
    )
    return {**story, "referral": referral.pk}


def _institution(bureau: Agency, index: int) -> Subject:
    """The bureau's index-th institution by code: each story its own, so their cases never meet."""
    subjects = Subject.objects.filter(region__in=bureau.region.descendant_ids(), kind=Subject.Kind.INSTITUTION)
    return subjects.order_by("code")[index]


def opened_case(prefix: str = "lyg", title: str = "虚记检查费用", days_ago: int = 20) -> dict:
    """A case opened by triage days_ago, nobody assigned yet: received on an inspection, opened two days
    later (recorded as taken then), so the penalty's statutory periods (the hearing's 7-day notice) have
    already run when the scenario reaches them."""
    head = _user(f"{prefix}_head")
    bureau = head.agency
    subject = _institution(bureau, 1)
    received_at = timezone.now() - datetime.timedelta(days=days_ago)
    with transaction.atomic():
        lead = triage_start(
            agency=bureau,
            source_kind=Lead.SourceKind.INSPECTION,
            title=f"{subject.name}{title}",
            description=f"现场检查发现{subject.name}{title}。",
            subjects=[subject],
            received_at=received_at,
            by=head,
        )
    case = triage_decide(lead=lead, by=head, decision="open", at=received_at + datetime.timedelta(days=2)).case
    return {"case": case.pk, "number": case.number, "subject": subject.name, "head_name": head.display_name}


# (name, amount ordered): the judgment's debtors in recovery_from_judgment.
RECOVERY_DEBTORS = (("陈某明", "60000.00"), ("林某华", "45000.00"))


def recovery_from_judgment(prefix: str = "lyg") -> dict:
    """The city court's judgment orders two defendants to make restitution; the bureau's asset-recovery
    officer opened the recovery, nothing paid yet."""
    head = _user(f"{prefix}_head")
    subject = _institution(head.agency, 2)
    story = investigated_case(prefix, title="伪造处方骗取医保基金", subject_code=subject.code)
    from casework.models import Case

    case = Case.objects.get(pk=story["case"])
    court = Agency.objects.get(code=f"{case.agency.region.code}-court")
    judged_on = timezone.localdate() - datetime.timedelta(days=60)
    recovery = recovery_services.recovery_open(
        case=case,
        court=court,
        reference=f"({judged_on.year})苏07刑初{100 + case.pk % 800}号",
        judged_on=judged_on,
        kind=Recovery.Kind.JUDGMENT,
        debtors=[(name, None, amount) for name, amount in RECOVERY_DEBTORS],
        by=_user(f"{prefix}_recovery"),
        note="判决责令被告人退赔医保基金损失。",
    )
    return {**story, "recovery": recovery.pk, "reference": recovery.reference}


def reward_awaiting_review(prefix: str = "lyg") -> dict:
    """An anonymous web report on an institution, opened as a case, investigated (¥12,000.50 found) and
    closed: its reward waits for the reward handler. Returns the receipt code and secret the reporter kept."""
    head = _user(f"{prefix}_head")
    bureau = head.agency
    subject = _institution(bureau, 3)
    received = report_submit(
        region_code=bureau.region.code,
        channel=Report.Channel.WEB,
        subject_kind=subject.kind,
        subject_name=subject.name,
        subject_code=subject.code,
        description="该院为未住院的参保人办理住院结算，虚构住院服务，骗取医保基金。",
        anonymous=True,
    )
    report = received.report
    case = triage_decide(lead=report.lead, by=head, decision="open").case
    case = investigate(case, head, [_user(f"{prefix}_inv1"), _user(f"{prefix}_inv2")], subject)
    outcome_decide(case=case, by=head, choice=OutcomeChoice(reasoning="当事人已退回全部违规费用。"))
    case_close(case=case, by=head, summary="违规费用已追回，予以结案。")
    reward = Reward.objects.get(case=case)
    return {
        "case": case.pk,
        "number": case.number,
        "reward": reward.pk,
        "receipt_code": report.receipt_code,
        "secret": received.secret,
    }
