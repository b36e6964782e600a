"""Findings of the demo investigations: violations with money; one investigation closed per city."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from casework.findings import violation_add
from casework.models import Case, ViolationItem
from organisation.demo.history import on
from organisation.models import User
from workflows.investigation import investigation_close, investigation_findings_done

DESCRIPTIONS = {
    ViolationItem.SubjectKind.INSTITUTION: "经核查医保结算数据与病历，存在该项违规行为。",
    ViolationItem.SubjectKind.PHARMACY: "经核对进销存台账和结算明细，存在该项违规行为。",
    ViolationItem.SubjectKind.INSURED: "经调取就诊和购药记录，存在该项违规行为。",
}
CONCLUSION = (
    "经调查，当事人违反《医疗保障基金使用监督管理条例》的事实清楚，证据确实充分。"
    "建议责令退回医保基金，并依法给予行政处罚。"
)


def seed_findings(
    cases: list[Case],
    *,
    rng: random.Random,
    pair: tuple[User, User],
    head: User,
    close: int = 1,
    replayed: list[Case] = (),
) -> list[Case]:
    """One to three violations per case on its subjects; the last `close` cases' reports are issued.

    Returns the cases whose investigation was closed, in order. The `replayed` cases' findings are
    recorded on their third day after opening and their report issued on the fourth.
    """
    replayed_ids = {case.pk for case in replayed}
    items = {}
    for item in ViolationItem.objects.filter(active=True):
        items.setdefault(item.subject_kind, []).append(item)
    today = timezone.localdate()
    for index, case in enumerate(cases):
        subjects = [s for s in case.subjects.order_by("pk") if s.kind in items]
        for number in range(1 + index % 3 if subjects else 0):
            subject = subjects[number % len(subjects)]
            amount = Decimal(rng.randint(50_000, 5_000_000)) / 100
            fund_loss = (amount * Decimal(rng.choice(("0.6", "0.8", "1")))).quantize(Decimal("0.01"))
            when = case.opened_at + datetime.timedelta(days=2, hours=2) if case.pk in replayed_ids else timezone.now()
            # The violation ended before the case was found: months before the day it is recorded.
            start = min(today, timezone.localdate(when)) - datetime.timedelta(days=rng.randint(200, 500))
            with on(when):
                violation_add(
                    case=case,
                    by=pair[number % 2],
                    subject=subject,
                    item=rng.choice(items[subject.kind]),
                    period_from=start,
                    period_to=start + datetime.timedelta(days=rng.randint(30, 150)),
                    amount=amount,
                    fund_loss=fund_loss,
                    patient_money=(amount - fund_loss).quantize(Decimal("0.01")),
                    description=DESCRIPTIONS[subject.kind],
                )
    closed = [case for case in cases if case.violations.exists()][-close:] if close else []
    for case in closed:
        replay = case.pk in replayed_ids
        with on(case.opened_at + datetime.timedelta(days=2, hours=5) if replay else timezone.now()):
            investigation_findings_done(case=case, by=pair[0], summary="当事人存在虚记多记费用等违规行为，详见下表。")
        with on(case.opened_at + datetime.timedelta(days=3) if replay else timezone.now()):
            investigation_close(case=case, by=head, conclusion=CONCLUSION)
    return closed
