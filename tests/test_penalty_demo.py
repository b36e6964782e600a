# ruff: noqa: F811  (pytest fixtures imported from tests/test_penalty_support.py are used as parameters)
"""organisation.demo.penalties: every demo penalty at its first step is driven to a spread of states."""

from django.utils import timezone

from casework.models import Case
from organisation.demo.penalties import advance_penalties
from organisation.roles import Role
from penalties.models import DecisionExtension, Penalty
from penalties.services import penalty_start
from tests.factories import SubjectFactory, UserFactory
from tests.test_penalty_support import D, bob2, make_case  # noqa: F401  (fixtures)

AGES = (260, 62, 58, 45, 35, 24, 18, 12, 9, 5)


def test_advance_penalties_spreads_them_over_the_procedure(make_case, lyg_bureau, lyg_region, bob, alice):
    roles = {
        "head": Role.SECTION_HEAD,
        "inv1": Role.INVESTIGATOR,
        "inv2": Role.INVESTIGATOR,
        "legal": Role.LEGAL_REVIEWER,
        "director": Role.DIRECTOR,
        "finance": Role.FINANCE,
    }
    users = {name: UserFactory(username=f"lyg_{name}", agency=lyg_bureau, roles=[role]) for name, role in roles.items()}
    penalties = []
    for index, age in enumerate(AGES):
        subject = SubjectFactory(region=lyg_region, address="连云港市海州区某路1号")
        case = make_case((subject, D("20000") + index), opened_days_ago=age)
        penalty = penalty_start(case=case, subject=subject, by=users["head"])
        # The outcome decision that started it was taken the day the case was opened.
        Penalty.objects.filter(pk=penalty.pk).update(created_at=case.opened_at)
        penalties.append(Penalty.objects.get(pk=penalty.pk))
    # One case in the handling stage has a second subject nobody has penalised yet: the 简易程序.
    spot = SubjectFactory(region=lyg_region, name="海州区某诊所")
    handling = Case.objects.get(pk=penalties[-1].case_id)
    handling.subjects.add(spot)
    Case.objects.filter(pk=handling.pk).update(status=Case.Status.HANDLING)

    advance_penalties(agency=lyg_bureau, today=timezone.localdate())

    by_case_age = {p.pk: Penalty.objects.get(pk=p.pk) for p in penalties}
    states = [by_case_age[p.pk] for p in penalties]
    court, reminder, paid_late, paid = states[:4]
    assert court.outcome == Penalty.Outcome.ENFORCEMENT and court.enforcement.title == "强制执行申请书"
    assert reminder.status == Penalty.Status.EXECUTION and reminder.reminder is not None
    assert Penalty.objects.overdue().filter(pk=reminder.pk).exists()
    assert paid_late.outcome == Penalty.Outcome.PAID and paid_late.late_fee_obligation.amount_due > 0
    assert paid.outcome == Penalty.Outcome.PAID and paid.late_fee_obligation is None
    # Ten penalties, nine states: the tenth, too young for a fine paid late, is only notified.
    assert [p.status for p in states[4:]] == [
        Penalty.Status.LEGAL_REVIEW,
        Penalty.Status.DISCUSSION,
        Penalty.Status.SERVING,
        Penalty.Status.HEARING,
        Penalty.Status.STATEMENT,
        Penalty.Status.STATEMENT,
    ]
    assert states[7].hearing.notice.title == "听证通知书"
    assert not Penalty.objects.filter(status=Penalty.Status.DRAFTING).exists()
    summary = Penalty.objects.get(procedure=Penalty.Procedure.SUMMARY)
    assert summary.subject == spot and summary.status == Penalty.Status.FINISHED
    assert summary.decision.title == "当场行政处罚决定书"
    extension = DecisionExtension.objects.get()
    assert extension.case_id == states[4].case_id and extension.document.title == "延长办案期限审批表"
