# ruff: noqa: F811  (pytest fixtures imported from tests/test_penalty_support.py are used as parameters)
"""The penalty flow end to end (issue 5, domain.md §6): each path, each refusal naming its rule."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Deadline, Suspension
from casework.suspensions import suspension_end
from ledgers.models import Obligation
from penalties.execution import (
    penalty_enforcement_apply,
    penalty_execution_check,
    penalty_payment_record,
    penalty_reminder_issue,
)
from penalties.models import Hearing, Penalty, PenaltyStep
from penalties.services import (
    penalty_decide,
    penalty_discuss,
    penalty_hearing_hold,
    penalty_hearing_schedule,
    penalty_legal_review,
    penalty_revise,
    penalty_serve,
    penalty_start,
    penalty_statement_record,
    penalty_summary_decide,
)
from penalties.terms import Terms
from tests.test_penalty_support import (  # noqa: F401  (fixtures)
    FUND_LOSS,
    D,
    bob2,
    case,
    days_ago,
    decided_and_served,
    director,
    finance,
    insured,
    legal,
    make_case,
    no_statement,
    notice,
    penalty,
)
from workflows.penalty import PenaltyFlow, pending_task


def deadline(penalty, step):
    ref = "" if step == "penalty_decision" else penalty.ref
    return Deadline.objects.get(case=penalty.case, step=step, ref=ref)


def kinds(penalty):
    return list(penalty.steps.values_list("kind", flat=True))


def at(day: datetime.date, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


class TestStart:
    def test_start_grants_roles_and_opens_the_notice_task(
        self, penalty, alice, bob, legal, director, finance, charlie, auditor
    ):
        assert penalty.status == Penalty.Status.DRAFTING
        assert pending_task(penalty, PenaltyFlow.notice) is not None
        assert bob.has_perm("penalties.change_penalty", penalty) and not bob.has_perm(
            "penalties.decide_penalty", penalty
        )
        assert alice.has_perm("penalties.decide_penalty", penalty)
        assert legal.has_perm("penalties.review_penalty", penalty) and not legal.has_perm(
            "penalties.change_penalty", penalty
        )
        assert director.has_perm("penalties.discuss_penalty", penalty)
        assert finance.has_perm("penalties.view_penalty", penalty) and not finance.has_perm(
            "penalties.change_penalty", penalty
        )
        assert auditor.has_perm("penalties.view_penalty", penalty) and not auditor.has_perm(
            "penalties.change_penalty", penalty
        )
        assert not charlie.has_perm("penalties.view_penalty", penalty)

    def test_only_a_decider_starts_once_per_subject_of_the_case(self, case, subject, other_subject, alice, bob):
        with pytest.raises(PermissionDenied):
            penalty_start(case=case, subject=subject, by=bob)
        with pytest.raises(InvalidInput):
            penalty_start(case=case, subject=other_subject, by=alice)
        penalty_start(case=case, subject=subject, by=alice)
        with pytest.raises(InvalidTransition):
            penalty_start(case=case, subject=subject, by=alice)


class TestNotice:
    def test_fine_outside_article_40_is_refused_naming_the_rule(self, penalty, bob):
        for fine in (D("59999.99"), D("150000.01")):
            with pytest.raises(InvalidInput) as refused:
                notice(penalty, bob, fine=fine)
            message = refused.value.errors["fine"][0]
            assert "第四十条" in message and "60,000.00" in message and "150,000.00" in message
        assert pending_task(penalty, PenaltyFlow.notice) is not None and not penalty.steps.filter(kind="notice")

    def test_article_39_is_ten_to_fifty_thousand_and_has_no_refund(self, penalty, bob):
        with pytest.raises(InvalidInput) as refused:
            notice(penalty, bob, article="39", fine=D("9000"), refund=None)
        assert "第三十九条" in refused.value.errors["fine"][0] and "10,000.00" in refused.value.errors["fine"][0]
        with pytest.raises(InvalidInput) as refused:
            notice(penalty, bob, article="39", fine=D("20000"), refund=D("100"))
        assert "第三十九条" in refused.value.errors["refund"][0]
        assert notice(penalty, bob, article="39", fine=D("50000"), refund=None).status == Penalty.Status.STATEMENT

    def test_refund_is_at_most_the_fund_loss(self, penalty, bob):
        with pytest.raises(InvalidInput) as refused:
            notice(penalty, bob, refund=FUND_LOSS + D("0.01"))
        assert "30,000.00" in refused.value.errors["refund"][0]

    def test_suspension_periods_follow_the_article(self, penalty, bob):
        for months in (5, 13):
            with pytest.raises(InvalidInput) as refused:
                notice(penalty, bob, suspension_months=months)
            assert "第四十条" in refused.value.errors["months"][0] and "6" in refused.value.errors["months"][0]
        with pytest.raises(InvalidInput) as refused:
            notice(penalty, bob, article="38", fine=D("30000"), suspension_months=6)
        assert "suspension_detail" in refused.value.errors
        with pytest.raises(InvalidInput) as refused:
            notice(penalty, bob, article="39", fine=D("20000"), refund=None, suspension_months=6)
        assert "article" in refused.value.errors

    def test_termination_only_under_article_40_and_not_with_a_suspension(self, penalty, bob):
        with pytest.raises(InvalidInput) as refused:
            notice(penalty, bob, article="38", fine=D("30000"), terminates=True)
        assert "第四十条" in refused.value.errors["terminates"][0]
        with pytest.raises(InvalidInput):
            notice(penalty, bob, terminates=True, suspension_months=6)

    def test_nothing_chosen_is_refused(self, penalty, bob):
        with pytest.raises(InvalidInput) as refused:
            notice(penalty, bob, fine=None, refund=None)
        assert "__all__" in refused.value.errors

    def test_notice_sets_the_procedure_and_the_deadlines(self, penalty, bob):
        penalty = notice(penalty, bob, served_days_ago=2)
        assert penalty.notice.title == "行政处罚事先告知书" and penalty.notice.case_id == penalty.case_id
        assert (penalty.hearing_offered, penalty.legal_review_required, penalty.discussion_required) == (
            False,
            False,
            False,
        )
        assert deadline(penalty, "statement").due == days_ago(2) + datetime.timedelta(days=5)
        assert not Deadline.objects.filter(step="hearing_request").exists()
        assert penalty.notified["fine"] == "60000" and penalty.status == Penalty.Status.STATEMENT
        context = penalty.notice.context
        assert context["measures"] == ["责令退回医疗保障基金人民币30,000.00元", "罚款人民币60,000.00元"]
        assert context["article"] == "《医疗保障基金使用监督管理条例》第四十条" and not context["hearing_offered"]

    def test_a_large_fine_offers_a_hearing_and_needs_legal_review(self, penalty, bob):
        penalty = notice(penalty, bob, fine=D("100000"), served_days_ago=1)
        assert penalty.hearing_offered and penalty.legal_review_required and not penalty.discussion_required
        assert deadline(penalty, "hearing_request").due == days_ago(1) + datetime.timedelta(days=5)
        assert penalty.notice.context["hearing_offered"]

    def test_suspension_always_offers_a_hearing_and_goes_to_collective_discussion(self, penalty, bob):
        penalty = notice(penalty, bob, fine=None, refund=None, warning=True, suspension_months=6)
        assert penalty.hearing_offered and penalty.legal_review_required and penalty.discussion_required

    def test_hearing_threshold_is_configuration(self, penalty, bob, settings):
        settings.PENALTY_HEARING_THRESHOLD_ORGANISATION = 50_000
        assert notice(penalty, bob).hearing_offered

    def test_investigator_issues_the_notice_not_the_finance_officer(self, penalty, finance, auditor):
        for user in (finance, auditor):
            with pytest.raises(PermissionDenied):
                notice(penalty, user)


class TestStatement:
    def test_no_statement_only_after_the_window(self, penalty, bob):
        penalty = notice(penalty, bob, served_days_ago=2)
        with pytest.raises(InvalidInput) as refused:
            no_statement(penalty, bob)
        assert "第四十五条" in refused.value.errors["kind"][0]
        penalty = penalty_statement_record(penalty=penalty, by=bob, kind="waived", received_on=days_ago(1))
        assert penalty.status == Penalty.Status.DECIDING and deadline(penalty, "statement").closed_on == days_ago(1)

    def test_hearing_request_needs_the_right_and_the_five_days(self, penalty, bob):
        penalty = notice(penalty, bob, served_days_ago=10)
        with pytest.raises(InvalidInput) as refused:
            penalty_statement_record(
                penalty=penalty,
                by=bob,
                kind="statement",
                statement="不服",
                received_on=days_ago(9),
                hearing_requested=True,
            )
        assert "第六十三条" in refused.value.errors["hearing_requested"][0]

    def test_late_hearing_request_is_refused(self, penalty, bob):
        penalty = notice(penalty, bob, fine=D("120000"), served_days_ago=10)
        with pytest.raises(InvalidInput) as refused:
            penalty_statement_record(
                penalty=penalty,
                by=bob,
                kind="statement",
                statement="要求听证",
                received_on=days_ago(4),
                hearing_requested=True,
            )
        assert "第六十四条" in refused.value.errors["hearing_requested"][0]


class TestWrongOrder:
    def test_no_decision_before_the_notice(self, penalty, alice):
        with pytest.raises(InvalidTransition) as refused:
            penalty_decide(penalty=penalty, by=alice)
        assert "第四十四条" in str(refused.value.message)

    def test_no_decision_inside_the_statement_window(self, penalty, alice, bob):
        penalty = notice(penalty, bob, served_days_ago=1)
        with pytest.raises(InvalidTransition) as refused:
            penalty_decide(penalty=penalty, by=alice)
        message = str(refused.value.message)
        assert "第四十五条" in message and str(days_ago(1) + datetime.timedelta(days=5)) in message

    def test_no_decision_when_the_requested_hearing_was_not_held(self, penalty, alice, bob):
        penalty = notice(penalty, bob, fine=D("120000"), served_days_ago=3)
        penalty = penalty_statement_record(
            penalty=penalty,
            by=bob,
            kind="statement",
            statement="要求听证",
            received_on=days_ago(2),
            hearing_requested=True,
        )
        assert penalty.status == Penalty.Status.HEARING_SCHEDULING
        with pytest.raises(InvalidTransition) as refused:
            penalty_decide(penalty=penalty, by=alice)
        assert "第六十三条" in str(refused.value.message)

    def test_no_decision_without_legal_review(self, penalty, alice, bob):
        penalty = no_statement(notice(penalty, bob, fine=D("120000")), bob)
        assert penalty.status == Penalty.Status.LEGAL_REVIEW
        with pytest.raises(InvalidTransition) as refused:
            penalty_decide(penalty=penalty, by=alice)
        assert "第五十八条" in str(refused.value.message)

    def test_serve_before_decision_and_a_second_notice_are_refused(self, penalty, bob):
        with pytest.raises(InvalidTransition):
            penalty_serve(penalty=penalty, by=bob, method="direct", recipient="x")
        penalty = notice(penalty, bob)
        with pytest.raises(AlreadyDecided):
            notice(penalty, bob)

    def test_steps_cannot_be_dated_before_the_step_they_follow(self, penalty, alice, bob):
        penalty = no_statement(notice(penalty, bob, served_days_ago=30), bob)
        with pytest.raises(InvalidInput) as refused:
            penalty_decide(penalty=penalty, by=alice, decided_on=days_ago(29))
        assert "decided_on" in refused.value.errors


def test_no_hearing_branch_end_to_end(penalty, alice, bob, finance, subject):
    penalty = notice(penalty, bob, served_days_ago=30)
    penalty = no_statement(penalty, bob)
    assert penalty.status == Penalty.Status.DECIDING and not Hearing.objects.exists()
    with pytest.raises(PermissionDenied):
        penalty_decide(penalty=penalty, by=bob)
    penalty = penalty_decide(penalty=penalty, by=alice, decided_on=days_ago(20))
    assert penalty.status == Penalty.Status.SERVING and penalty.decision.title == "行政处罚决定书"
    assert deadline(penalty, "penalty_decision").closed_on == days_ago(20)
    assert deadline(penalty, "penalty_service").due == days_ago(13)
    fine = penalty.fine_obligation
    assert (fine.ledger, fine.amount_due, fine.basis) == ("fine", D("60000.00"), penalty.decision.number)
    assert penalty.refund_obligation.ledger == "fund_refund" and penalty.refund_obligation.amount_due == FUND_LOSS
    penalty = penalty_serve(penalty=penalty, by=bob, method="mail", recipient="院办", served_on=days_ago(18))
    assert penalty.status == Penalty.Status.EXECUTION and penalty.service_receipt.title == "送达回证"
    assert deadline(penalty, "fine_payment").due == days_ago(3)
    assert Obligation.objects.get(pk=fine.pk).due_on == days_ago(3)
    penalty = penalty_payment_record(
        penalty=penalty, by=finance, ledger="fine", amount="60000", voucher="P1", paid_on=days_ago(4)
    )
    assert penalty.status == Penalty.Status.EXECUTION and penalty.late_fee_obligation is None
    penalty = penalty_payment_record(
        penalty=penalty, by=finance, ledger="fund_refund", amount="30000", voucher="P2", paid_on=days_ago(3)
    )
    assert penalty.status == Penalty.Status.FINISHED and penalty.outcome == Penalty.Outcome.PAID
    assert deadline(penalty, "fine_payment").closed_on == days_ago(3)
    assert kinds(penalty) == ["started", "notice", "statement", "decision", "service", "payment", "payment", "finished"]
    assert pending_task(penalty) is None


def test_hearing_branch_with_review_returned_and_collective_discussion(
    penalty, alice, bob, bob2, legal, director, lyg_bureau
):
    from organisation.roles import Role
    from tests.factories import UserFactory

    penalty = notice(penalty, bob, fine=D("120000"), served_days_ago=40, complex_case=True)
    assert penalty.hearing_offered and penalty.legal_review_required and penalty.discussion_required
    penalty = penalty_statement_record(
        penalty=penalty,
        by=bob,
        kind="statement",
        statement="我院系管理疏忽，并非故意，请求从轻处罚。",
        received_on=days_ago(37),
        hearing_requested=True,
    )
    assert penalty.status == Penalty.Status.HEARING_SCHEDULING and penalty.hearing.requested_on == days_ago(37)
    # The hearing is at least 7 days after its notice, and not chaired by an investigator of the case.
    chair = UserFactory(username="chair", first_name="周", agency=lyg_bureau, roles=[Role.SECTION_HEAD])
    with pytest.raises(InvalidInput) as refused:
        penalty_hearing_schedule(
            penalty=penalty,
            by=bob,
            scheduled_at=at(days_ago(30)),
            place="本局听证室",
            chair=chair,
            notice_sent_on=days_ago(36),
        )
    assert "第六十四条" in refused.value.errors["scheduled_at"][0]
    with pytest.raises(InvalidInput) as refused:
        penalty_hearing_schedule(
            penalty=penalty,
            by=bob,
            scheduled_at=at(days_ago(29)),
            place="本局听证室",
            chair=bob2,
            notice_sent_on=days_ago(36),
        )
    assert "第六十四条" in refused.value.errors["chair"][0]
    penalty = penalty_hearing_schedule(
        penalty=penalty,
        by=bob,
        scheduled_at=at(days_ago(29)),
        place="本局听证室",
        chair=chair,
        notice_sent_on=days_ago(36),
    )
    assert penalty.status == Penalty.Status.HEARING and penalty.hearing.notice.title == "听证通知书"
    assert deadline(penalty, "hearing").due == days_ago(29)
    with pytest.raises(InvalidTransition) as refused:
        penalty_decide(penalty=penalty, by=director)
    assert "听证" in str(refused.value.message) or "第六十三条" in str(refused.value.message)
    penalty = penalty_hearing_hold(
        penalty=penalty,
        by=bob,
        held_on=days_ago(29),
        participants="主持人：周；调查人员：李明、孙伟；当事人委托代理人：王律师",
        investigators_case="当事人虚构住院服务，骗取医保基金30,000元。",
        subject_statement="对事实无异议，请求从轻处罚。",
    )
    assert penalty.status == Penalty.Status.LEGAL_REVIEW and penalty.hearing.record.title == "听证笔录"
    assert deadline(penalty, "hearing").closed_on == days_ago(29)
    # 法制审核 returns it; the section head lightens the fine; reviewed again and passed.
    with pytest.raises(PermissionDenied):
        penalty_legal_review(penalty=penalty, by=bob, passed=True, opinion="同意")
    penalty = penalty_legal_review(
        penalty=penalty, by=legal, passed=False, opinion="裁量偏重。", reviewed_on=days_ago(25)
    )
    assert penalty.status == Penalty.Status.REVISING
    with pytest.raises(InvalidInput) as refused:
        penalty_revise(
            penalty=penalty, by=alice, terms=Terms(article="40", fine=D("130000"), refund=FUND_LOSS), note="加重"
        )
    assert "第四十五条第二款" in refused.value.errors["fine"][0]
    penalty = penalty_revise(
        penalty=penalty,
        by=alice,
        terms=Terms(article="40", fine=D("90000"), refund=FUND_LOSS),
        note="考虑从轻情节",
        revised_on=days_ago(25),
    )
    assert penalty.status == Penalty.Status.LEGAL_REVIEW and penalty.fine == D("90000")
    penalty = penalty_legal_review(
        penalty=penalty, by=legal, passed=True, opinion="事实清楚，程序合法。", reviewed_on=days_ago(24)
    )
    assert penalty.status == Penalty.Status.DISCUSSION
    with pytest.raises(InvalidTransition) as refused:
        penalty_decide(penalty=penalty, by=director)
    assert "第五十七条" in str(refused.value.message)
    penalty = penalty_discuss(
        penalty=penalty,
        by=director,
        discussed_on=days_ago(23),
        participants="局长、副局长、法规科科长、基金监管科科长",
        opinions="一致同意法制审核意见。",
        conclusion="同意给予罚款90,000元并责令退回。",
    )
    assert penalty.status == Penalty.Status.DECIDING
    # After a 集体讨论 the agency head decides, not the section head.
    with pytest.raises(PermissionDenied):
        penalty_decide(penalty=penalty, by=alice)
    penalty = penalty_decide(penalty=penalty, by=director, decided_on=days_ago(22))
    assert penalty.decision.context["hearing_held_on"] and penalty.fine_obligation.amount_due == D("90000")
    assert kinds(penalty)[:9] == [
        "started",
        "notice",
        "statement",
        "hearing_notice",
        "hearing",
        "legal_review",
        "revision",
        "legal_review",
        "discussion",
    ]


def test_suspension_and_no_money_finish_at_service(case, subject, alice, bob, legal, director):
    penalty = penalty_start(case=case, subject=subject, by=alice)
    penalty = notice(penalty, bob, fine=None, refund=None, warning=True, suspension_months=6, served_days_ago=20)
    penalty = no_statement(penalty, bob)
    penalty = penalty_legal_review(penalty=penalty, by=legal, passed=True, opinion="同意", reviewed_on=days_ago(12))
    penalty = penalty_discuss(
        penalty=penalty,
        by=director,
        participants="局领导班子",
        opinions="同意",
        conclusion="暂停6个月",
        discussed_on=days_ago(11),
    )
    penalty = penalty_decide(penalty=penalty, by=director, decided_on=days_ago(10))
    suspension = Suspension.objects.get(subject=subject)
    assert (suspension.scope, suspension.source, suspension.starts_on) == ("services", "penalty", days_ago(10))
    assert suspension.ends_on == suspension_end(days_ago(10), 6)
    assert penalty.decision.number in suspension.basis
    penalty = penalty_serve(penalty=penalty, by=bob, method="direct", recipient="院长", served_on=days_ago(9))
    assert penalty.status == Penalty.Status.FINISHED and penalty.outcome == Penalty.Outcome.NO_MONEY
    assert not Obligation.objects.exists()


class TestSummaryProcedure:
    def test_small_fine_on_the_spot(self, make_case, insured, alice, bob, finance):
        case = make_case((insured, D("80")))
        penalty = penalty_start(case=case, subject=insured, by=alice, procedure="summary")
        assert penalty.status == Penalty.Status.ON_THE_SPOT and pending_task(penalty, PenaltyFlow.summary_decide)
        terms = Terms(article="41", fine=D("201"))
        with pytest.raises(InvalidInput) as refused:
            penalty_summary_decide(penalty=penalty, by=alice, terms=terms, facts="转借社保卡", place="某药店")
        assert "第五十一条" in refused.value.errors["fine"][0] and "200" in refused.value.errors["fine"][0]
        with pytest.raises(InvalidInput) as refused:
            penalty_summary_decide(
                penalty=penalty,
                by=alice,
                terms=Terms(article="41", fine=D("160"), refund=D("80")),
                facts="x",
                place="y",
            )
        assert "第五十一条" in refused.value.errors["fine"][0]
        with pytest.raises(PermissionDenied):
            penalty_summary_decide(
                penalty=penalty, by=bob, terms=Terms(article="41", fine=D("160")), facts="转借社保卡", place="某药店"
            )
        penalty = penalty_summary_decide(
            penalty=penalty, by=alice, terms=Terms(article="41", fine=D("160")), facts="转借社保卡", place="某药店"
        )
        assert penalty.decision.title == "当场行政处罚决定书" and penalty.served_on == timezone.localdate()
        assert penalty.status == Penalty.Status.EXECUTION and penalty.notice is None
        penalty = penalty_payment_record(penalty=penalty, by=finance, ledger="fine", amount="160", voucher="X1")
        assert penalty.status == Penalty.Status.FINISHED and kinds(penalty)[-1] == "finished"

    def test_organisation_limit_is_three_thousand(self, make_case, subject, alice):
        case = make_case((subject, D("1400")))
        penalty = penalty_start(case=case, subject=subject, by=alice, procedure="summary")
        with pytest.raises(InvalidInput) as refused:
            penalty_summary_decide(
                penalty=penalty,
                by=alice,
                terms=Terms(article="38", fine=D("2800"), suspension_months=6),
                facts="x",
                place="y",
            )
        assert "3,000" in refused.value.errors["fine"][0]
        penalty = penalty_summary_decide(
            penalty=penalty, by=alice, terms=Terms(article="38", fine=D("2800")), facts="分解收费", place="门诊部"
        )
        assert penalty.fine == D("2800")

    def test_a_warning_only_finishes_at_once(self, make_case, subject, alice):
        penalty = penalty_start(case=make_case((subject, D("100"))), subject=subject, by=alice, procedure="summary")
        penalty = penalty_summary_decide(
            penalty=penalty, by=alice, terms=Terms(article="39", warning=True), facts="未建立制度", place="医务科"
        )
        assert penalty.status == Penalty.Status.FINISHED and penalty.outcome == Penalty.Outcome.NO_MONEY


class TestLateFee:
    def test_paid_five_days_late_owes_fifteen_percent(self, penalty, alice, bob, finance):
        penalty = decided_and_served(penalty, alice, bob, served_days_ago=20)
        penalty = penalty_payment_record(penalty=penalty, by=finance, ledger="fine", amount="60000", voucher="A")
        fee = penalty.late_fee_obligation
        assert (fee.ledger, fee.amount_due) == ("late_fee", D("9000.00"))
        assert "第七十二条" in fee.basis and penalty.status == Penalty.Status.EXECUTION
        penalty = penalty_payment_record(penalty=penalty, by=finance, ledger="fund_refund", amount="30000", voucher="B")
        assert penalty.status == Penalty.Status.EXECUTION
        penalty = penalty_payment_record(penalty=penalty, by=finance, ledger="late_fee", amount="9000", voucher="C")
        assert penalty.status == Penalty.Status.FINISHED and penalty.outcome == Penalty.Outcome.PAID
        assert "late_fee" in kinds(penalty)

    def test_the_late_fee_is_capped_at_the_fine(self, penalty, alice, bob, finance):
        penalty = decided_and_served(penalty, alice, bob, served_days_ago=60)
        penalty = penalty_payment_record(penalty=penalty, by=finance, ledger="fine", amount="60000", voucher="A")
        assert penalty.late_fee_obligation.amount_due == D("60000.00")

    def test_paid_on_time_owes_nothing_more(self, penalty, alice, bob, finance):
        penalty = decided_and_served(penalty, alice, bob, served_days_ago=10)
        penalty = penalty_payment_record(penalty=penalty, by=finance, ledger="fine", amount="60000", voucher="A")
        assert penalty.late_fee_obligation is None

    def test_payments_recorded_in_the_ledgers_are_picked_up(self, penalty, alice, bob, finance):
        from ledgers.services import payment_record

        penalty = decided_and_served(penalty, alice, bob, served_days_ago=10)
        for obligation in (penalty.fine_obligation, penalty.refund_obligation):
            payment_record(
                obligation=obligation, by=finance, paid_on=days_ago(1), amount=obligation.amount_due, voucher="L"
            )
        penalty = penalty_execution_check(penalty=penalty, by=finance)
        assert penalty.status == Penalty.Status.FINISHED


class TestReminderAndEnforcement:
    def test_reminder_only_after_the_payment_deadline(self, penalty, alice, bob):
        penalty = decided_and_served(penalty, alice, bob, served_days_ago=10)
        with pytest.raises(InvalidInput) as refused:
            penalty_reminder_issue(penalty=penalty, by=alice)
        assert "第六十七条" in refused.value.errors["reminded_on"][0]

    def test_overdue_payment_reminder_then_court_inside_the_window(self, make_case, subject, alice, bob, finance):
        case = make_case((subject, FUND_LOSS), opened_days_ago=300)
        penalty = penalty_start(case=case, subject=subject, by=alice)
        penalty = decided_and_served(penalty, alice, bob, served_days_ago=200)
        assert Penalty.objects.overdue().filter(pk=penalty.pk).exists()
        with pytest.raises(InvalidTransition) as refused:
            penalty_enforcement_apply(penalty=penalty, by=alice, court="连云港市海州区人民法院")
        assert "第五十四条" in str(refused.value.message)
        with pytest.raises(PermissionDenied):
            penalty_reminder_issue(penalty=penalty, by=bob)
        penalty = penalty_reminder_issue(penalty=penalty, by=alice, reminded_on=days_ago(30))
        assert penalty.reminder.title == "催告书" and penalty.status == Penalty.Status.EXECUTION
        assert penalty.reminder.context["late_fee"] == "60,000.00"
        with pytest.raises(InvalidTransition):
            penalty_reminder_issue(penalty=penalty, by=alice)
        with pytest.raises(InvalidInput) as refused:
            penalty_enforcement_apply(penalty=penalty, by=alice, court="海州区人民法院", applied_on=days_ago(25))
        assert "第五十四条" in refused.value.errors["applied_on"][0]
        penalty = penalty_enforcement_apply(penalty=penalty, by=alice, court="连云港市海州区人民法院")
        assert penalty.status == Penalty.Status.FINISHED and penalty.outcome == Penalty.Outcome.ENFORCEMENT
        assert penalty.enforcement.title == "强制执行申请书" and penalty.late_fee_obligation.amount_due == D("60000.00")
        assert not Penalty.objects.overdue().filter(pk=penalty.pk).exists()
        assert deadline(penalty, "enforcement_application").closed_on == timezone.localdate()

    def test_court_not_before_the_review_period_ends(self, make_case, subject, alice, bob):
        case = make_case((subject, FUND_LOSS), opened_days_ago=150)
        penalty = penalty_start(case=case, subject=subject, by=alice)
        penalty = decided_and_served(penalty, alice, bob, served_days_ago=100)
        penalty = penalty_reminder_issue(penalty=penalty, by=alice, reminded_on=days_ago(50))
        with pytest.raises(InvalidInput) as refused:
            penalty_enforcement_apply(penalty=penalty, by=alice, court="海州区人民法院")
        assert "第五十三条" in refused.value.errors["applied_on"][0]


class TestExtension:
    def test_head_extends_the_ninety_days_once(self, make_case, subject, alice, director):
        from penalties.extension import decision_extension_approve

        case = make_case((subject, FUND_LOSS), opened_days_ago=80)
        penalty = penalty_start(case=case, subject=subject, by=alice)
        before = Deadline.objects.get(case=case, step="penalty_decision").due
        with pytest.raises(PermissionDenied):
            decision_extension_approve(case=case, by=alice, reason="案情复杂")
        with pytest.raises(InvalidInput) as refused:
            decision_extension_approve(case=case, by=director, reason="案情复杂", days=31)
        assert "国家医保局令第4号" in refused.value.errors["days"][0]
        extension = decision_extension_approve(case=case, by=director, reason="需调取外省就诊记录，案情复杂。")
        deadline_row = Deadline.objects.get(case=case, step="penalty_decision")
        assert extension.days == 30 and deadline_row.due == before + datetime.timedelta(days=30)
        assert extension.document.title == "延长办案期限审批表" and extension.document.number in deadline_row.basis
        assert penalty.steps.filter(kind=PenaltyStep.Kind.EXTENSION).exists()
        with pytest.raises(InvalidTransition) as refused:
            decision_extension_approve(case=case, by=director, reason="再次延长")
        assert "国家医保局令第4号" in str(refused.value.message)

    def test_no_extension_after_the_deadline_passed(self, case, director):
        from penalties.extension import decision_extension_approve

        with pytest.raises(InvalidTransition):
            decision_extension_approve(case=case, by=director, reason="案情复杂")

    def test_extension_days_are_configuration(self, make_case, subject, director, settings):
        from penalties.extension import decision_extension_approve

        settings.PENALTY_DECISION_EXTENSION_DAYS = 20
        case = make_case((subject, FUND_LOSS), opened_days_ago=10)
        assert decision_extension_approve(case=case, by=director, reason="复杂").days == 20


def test_track_done_once_every_penalty_of_the_case_finished(make_case, subject, other_subject, alice, bob, monkeypatch):
    from workflows import outcome

    calls = []
    monkeypatch.setattr(outcome, "track_done", lambda **kwargs: calls.append(kwargs))
    case = make_case((subject, FUND_LOSS), (other_subject, D("1000")))
    first = penalty_start(case=case, subject=subject, by=alice)
    second = penalty_start(case=case, subject=other_subject, by=alice)
    decided_and_served(first, alice, bob, fine=None, refund=None, warning=True)
    assert calls == []
    decided_and_served(second, alice, bob, fine=None, refund=None, warning=True, served_days_ago=15)
    assert calls == [{"case": case, "kind": "penalty", "by": bob}]
    assert Deadline.objects.get(case=case, step="penalty_decision").closed_on == days_ago(15)


def test_the_outcome_decision_starts_the_penalty_and_waits_for_it(make_lead, alice, bob, bob2, subject, finance):
    """The integrator's outcome flow: its penalty branch reaches the join when the penalty is finished."""
    from casework import evidence as evidence_services
    from casework.models import CaseTrack, Evidence
    from workflows.investigation import investigation_close, investigation_findings_done
    from workflows.outcome import OutcomeChoice, OutcomeFlow, case_close, outcome_decide
    from workflows.outcome import pending_task as outcome_task

    lead = make_lead(subjects=[subject], received_at=timezone.now() - datetime.timedelta(days=62))
    case = make_case_from(lead, alice, bob, bob2, subject)
    evidence_services.evidence_register(
        case=case,
        by=bob,
        collected_by=[bob, bob2],
        kind=Evidence.Kind.DOCUMENTARY,
        title="住院病历复印件",
        collected_at=timezone.now() - datetime.timedelta(days=50),
        place="病案室",
    )
    investigation_findings_done(case=case, by=bob, summary="查实虚构住院服务。")
    investigation_close(case=case, by=alice, conclusion="建议给予行政处罚。")
    outcome_decide(case=case, by=alice, choice=OutcomeChoice(penalty_subjects=[subject], reasoning="依法处罚"))
    penalty = Penalty.objects.get(case=case)
    assert penalty.status == Penalty.Status.DRAFTING and outcome_task(case, OutcomeFlow.penalty) is not None
    penalty = decided_and_served(penalty, alice, bob, served_days_ago=10)
    assert outcome_task(case, OutcomeFlow.penalty) is not None
    penalty = penalty_payment_record(penalty=penalty, by=finance, ledger="fine", amount="60000", voucher="F")
    penalty = penalty_payment_record(penalty=penalty, by=finance, ledger="fund_refund", amount="30000", voucher="R")
    assert penalty.status == Penalty.Status.FINISHED
    assert outcome_task(case, OutcomeFlow.penalty) is None
    assert CaseTrack.objects.get(case=case, kind="penalty").finished_at is not None
    case_close(case=case, by=alice, summary="罚没款、退回基金均已缴清，予以结案。")
    case.refresh_from_db()
    assert case.status == "closed"


def make_case_from(lead, alice, bob, bob2, subject):
    from casework.findings import violation_add
    from tests.test_penalty_support import item
    from workflows.investigation import investigation_assign
    from workflows.triage import triage_decide

    at_ = timezone.now() - datetime.timedelta(days=60)
    case = triage_decide(lead=lead, by=alice, decision="open", at=at_).case
    investigation_assign(case=case, by=alice, investigators=[bob, bob2])
    violation_add(
        case=case,
        by=bob,
        subject=subject,
        item=item(subject.kind),
        period_from=days_ago(400),
        period_to=days_ago(200),
        amount=FUND_LOSS,
        fund_loss=FUND_LOSS,
        patient_money=0,
        description="虚构医疗服务",
    )
    return case


def test_the_fund_loss_is_ordered_back_once_across_tracks(penalty, alice, bob):
    """An agreement 追回 already ordered part of the loss back: the penalty orders back only the rest (Art.45)."""
    from ledgers.services import obligation_record

    obligation_record(
        case=penalty.case,
        subject=penalty.subject,
        ledger="fund_refund",
        amount_due=D("20000"),
        basis="连医保违约通〔2026〕1号",
        by=alice,
    )
    with pytest.raises(InvalidInput) as refused:
        notice(penalty, bob)
    assert "连医保违约通〔2026〕1号" in refused.value.errors["refund"][0]
    penalty = no_statement(notice(penalty, bob, refund=D("10000")), bob)
    penalty = penalty_decide(penalty=penalty, by=alice, decided_on=days_ago(10))
    assert penalty.refund_obligation.amount_due == D("10000")
