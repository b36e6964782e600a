"""A realistic recovery for the demo data, modelled on the Xiamen seed (001): three debtors of a fraud
judgment, an enforcement application with the detention decision, and a 追缴会 at the court where
¥83,000.00 is paid on the spot and the rest promised by a deadline; one debtor's instalment plan has an
instalment overdue."""

import datetime
from decimal import Decimal

from casework.models import Case
from organisation.models import Agency, User
from recoveries import services
from recoveries.models import EnforcementStep, Recovery, RecoveryPayment

D = Decimal
# (name, ordered, paid on the spot at the meeting); the on-the-spot payments add up to ¥83,000.00.
DEBTORS = (
    ("陈某明", D("60000.00"), D("30000.00")),
    ("林某华", D("65000.00"), D("40000.00")),
    ("黄某强", D("38000.00"), D("13000.00")),
)


def demo_recoveries(*, case: Case, court: Agency, by: User, today: datetime.date) -> Recovery:
    """Open and follow the demo recovery on case (by: an asset-recovery officer of the case's bureau).

    Returns the existing one when called again for the same case.
    """

    def day(offset: int) -> datetime.date:
        return today - datetime.timedelta(days=offset)

    judged_on = day(150)
    reference = f"({judged_on.year})苏{court.region.code[2:4]}{court.region.code[4:6]}刑初{100 + case.pk % 800}号"
    existing = Recovery.objects.filter(case=case, reference=reference).first()
    if existing is not None:
        return existing
    subjects = list(case.subjects.order_by("pk")[:1])
    recovery = services.recovery_open(
        case=case,
        court=court,
        reference=reference,
        judged_on=judged_on,
        kind=Recovery.Kind.JUDGMENT,
        debtors=[
            (name, subjects[0] if index == 0 and subjects else None, ordered)
            for index, (name, ordered, _paid) in enumerate(DEBTORS)
        ],
        by=by,
        note="判决责令被告人退赔医保基金损失，由医保局会同法院执行追缴。",
    )
    debtors = list(recovery.debtors.order_by("pk"))
    third = debtors[2]
    # 黄某强 agreed to pay by instalments; the first was paid on time, the third is overdue.
    services.instalments_add(
        debtor=third,
        items=[(day(100), D("8000.00")), (day(70), D("8000.00")), (day(10), D("8000.00")), (day(-20), D("14000.00"))],
        by=by,
    )
    services.payment_record(
        debtor=third,
        by=by,
        paid_on=day(98),
        amount=D("8000.00"),
        channel=RecoveryPayment.Channel.BANK_TRANSFER,
        receipt_no=f"YB{day(98):%Y%m%d}001",
    )
    application = services.enforcement_apply(
        recovery=recovery, by=by, applied_on=day(60), note="被执行人未按判决退赔，申请强制执行。"
    )
    services.enforcement_step_record(
        application=application,
        by=by,
        kind=EnforcementStep.Kind.FILED,
        happened_on=day(55),
        court_reference=f"({day(55).year})苏{court.region.code[2:6]}执{300 + case.pk % 600}号",
    )
    services.enforcement_step_record(
        application=application,
        by=by,
        kind=EnforcementStep.Kind.DETENTION,
        happened_on=day(42),
        note="向三名被执行人送达拘留决定通知书。",
    )
    held_on = day(40)
    deadline = day(-20)
    services.meeting_record(
        recovery=recovery,
        by=by,
        held_on=held_on,
        place=f"{court.name}执行局",
        note="医保诈骗案款专场追缴会：集中约谈退赃未到位的被执行人。",
        attending=debtors,
        payments=[
            (debtor, paid, f"ZJ{held_on:%Y%m%d}{index:03d}")
            for index, (debtor, (_name, _ordered, paid)) in enumerate(zip(debtors, DEBTORS, strict=True), start=1)
        ],
        promises=[
            (debtor, ordered - paid - (D("8000.00") if debtor.pk == third.pk else 0), deadline)
            for debtor, (_name, ordered, paid) in zip(debtors, DEBTORS, strict=True)
        ],
    )
    return recovery
