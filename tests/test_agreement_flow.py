"""协议处理 end to end (issue 5, domain.md §5): start, measures, 违约处理通知书, statement, decision,
rectification check; the money in the handling agency's ledgers and the suspensions on the subject."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agreements import rules
from agreements.models import AgreementAction, AgreementMeasure
from agreements.services import agreement_start, measure_add, measure_remove, pending_task
from agreements.steps import (
    agreement_check_record,
    agreement_decide,
    agreement_issue_notice,
    agreement_statement_record,
)
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, Deadline, Subject, Suspension
from documents.models import Document
from ledgers.models import Obligation
from organisation.models import Agency
from tests.agreement_fixtures import *  # noqa: F403
from workflows.agreement import AgreementFlow

Kind = AgreementMeasure.Kind
CLAUSES = "《连云港市基本医疗保险定点医疗机构服务协议》第二十一条、第四十五条"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def later(n: int):
    """Travel n days ahead (ticking), as the statement window and rectification period pass."""
    return time_machine.travel(timezone.now() + datetime.timedelta(days=n), tick=True)


@pytest.fixture
def track_done_calls(monkeypatch):
    import workflows.outcome

    calls = []
    monkeypatch.setattr(workflows.outcome, "track_done", lambda **kwargs: calls.append(kwargs) or True)
    return calls


def draft_standard(action, by):
    """约谈, 追回 ¥15,000, 违约金 ¥50,000 (2 × ¥25,000), 暂停医保服务 6 months from day 30."""
    measure_add(
        action=action,
        by=by,
        kind=Kind.INTERVIEW,
        interview_on=timezone.localdate(),
        interviewees="院长王某、医保办主任李某",
        summary="约谈指出虚记检查费用问题，院方承认并表示整改。",
    )
    measure_add(action=action, by=by, kind=Kind.RECOVERY, amount="15000.00")
    measure_add(action=action, by=by, kind=Kind.LIQUIDATED_DAMAGES, amount="50000")
    measure_add(action=action, by=by, kind=Kind.SUSPENSION, months=6, starts_on=days(30))


class TestStart:
    def test_the_handling_agency_of_the_region_acts(self, action, lyg_agency, manager, alice):
        assert action.agency == lyg_agency and action.status == AgreementAction.Status.DRAFTING
        task = pending_task(action)
        assert task.flow_task == AgreementFlow.draft
        assert manager.has_perm("agreements.change_agreementaction", action)
        assert alice.has_perm("agreements.view_agreementaction", action)
        assert not alice.has_perm("agreements.change_agreementaction", action)
        # The agreement manager works the action, never the case.
        assert not manager.has_perm("casework.view_case", action.case)

    def test_only_institutions_and_pharmacies(self, handling_case, insured, pharmacy, alice):
        with pytest.raises(InvalidInput) as caught:
            agreement_start(case=handling_case, subject=insured, by=alice)
        assert "subject" in caught.value.errors
        assert agreement_start(case=handling_case, subject=pharmacy, by=alice).subject == pharmacy

    def test_refused_without_a_handling_agency(self, handling_case, subject, alice, lyg_agency):
        Agency.objects.filter(pk=lyg_agency.pk).update(kind=Agency.Kind.HEALTH)
        with pytest.raises(InvalidInput) as caught:
            agreement_start(case=handling_case, subject=subject, by=alice)
        assert "handling agency" in str(caught.value.errors["subject"][0]) or "经办" in str(
            caught.value.errors["subject"][0]
        )
        assert not AgreementAction.objects.exists()

    def test_refused_twice_without_findings_or_before_the_outcome(
        self, action, handling_case, subject, other_subject, alice, bob
    ):
        with pytest.raises(InvalidTransition):
            agreement_start(case=handling_case, subject=subject, by=alice)
        with pytest.raises(InvalidInput):
            agreement_start(case=handling_case, subject=other_subject, by=alice)
        with pytest.raises(PermissionDenied):
            agreement_start(case=handling_case, subject=other_subject, by=bob)
        Case.objects.filter(pk=handling_case.pk).update(status=Case.Status.INVESTIGATING)
        with pytest.raises(InvalidTransition):
            agreement_start(case=handling_case, subject=other_subject, by=alice)
        assert AgreementAction.objects.count() == 1


class TestWithoutStatement:
    def test_notice_window_then_final(self, action, manager, lyg_agency, subject, track_done_calls):
        draft_standard(action, manager)
        action = agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        assert action.status == AgreementAction.Status.STATEMENT
        notice = action.notice
        assert notice.kind == "breach_notice" and notice.agency == lyg_agency and notice.case == action.case
        assert notice.number == f"连医管违约通〔{timezone.localdate().year}〕1号"
        assert action.statement_due == rules.statement_due(rules.DEFAULT_RULES, timezone.localdate())
        deadline = Deadline.objects.get(case=action.case, step="agreement_statement", ref=f"agreement:{action.pk}")
        assert deadline.due == action.statement_due and deadline.closed_on is None
        assert set(action.measures.values_list("notified", flat=True)) == {True}
        assert pending_task(action).flow_task == AgreementFlow.statement

        # The window has not passed and the subject has said nothing: not final yet.
        with pytest.raises(InvalidTransition) as caught:
            agreement_decide(action=action, by=manager, decision="confirm")
        assert action.statement_due.isoformat() in str(caught.value.message)

        with later(20):
            action = agreement_decide(action=action, by=manager, decision="confirm")
            decided_on = timezone.localdate()
        assert action.status == AgreementAction.Status.DONE and action.decided_on == decided_on
        assert action.final_notice is None
        deadline.refresh_from_db()
        assert deadline.closed_on == decided_on

        obligations = {o.ledger: o for o in Obligation.objects.filter(case=action.case)}
        assert set(obligations) == {"fund_refund", "liquidated_damages"}
        assert obligations["fund_refund"].amount_due == Decimal("15000.00")
        assert obligations["liquidated_damages"].amount_due == Decimal("50000.00")
        for obligation in obligations.values():
            assert obligation.agency == lyg_agency and obligation.subject == subject
            assert obligation.basis == f"违约处理通知书 {notice.number}"
            assert obligation.due_on == decided_on + datetime.timedelta(days=rules.DEFAULT_RULES.payment_days)

        suspension = Suspension.objects.get(subject=subject)
        assert suspension.scope == "services" and suspension.source == "agreement"
        assert suspension.starts_on == days(30)
        assert suspension.ends_on == _add_months(days(30), 6) - datetime.timedelta(days=1)
        assert track_done_calls == [{"case": action.case, "kind": "agreement", "by": manager}]

    def test_track_is_done_only_when_every_action_of_the_case_is(
        self, action, handling_case, pharmacy, alice, manager, track_done_calls
    ):
        second = agreement_start(case=handling_case, subject=pharmacy, by=alice)
        for each in (action, second):
            measure_add(action=each, by=manager, kind=Kind.CRITICISM, summary="")
            agreement_issue_notice(action=each, by=manager, clauses=CLAUSES)
        with later(20):
            agreement_decide(action=action, by=manager, decision="confirm")
            assert track_done_calls == []
            agreement_decide(action=second, by=manager, decision="confirm")
        assert len(track_done_calls) == 1


class TestStatementAndRevision:
    def test_statement_then_revised_measures_in_a_new_notice(self, action, manager, track_done_calls):
        draft_standard(action, manager)
        action = agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        first = action.notice
        action = agreement_statement_record(
            action=action, by=manager, received_on=timezone.localdate(), text="已主动退回部分费用，请求从轻处理。"
        )
        statement_deadline = Deadline.objects.get(step="agreement_statement", ref=action.deadline_ref)
        assert statement_deadline.closed_on == timezone.localdate()
        with pytest.raises(AlreadyDecided):
            agreement_statement_record(action=action, by=manager, received_on=timezone.localdate(), text="再次申辩")

        # Confirming is refused once the measures changed; revising needs a change and reasons.
        with pytest.raises(InvalidInput):
            agreement_decide(action=action, by=manager, decision="revise", reason="从轻")
        damages = action.measures.get(kind=Kind.LIQUIDATED_DAMAGES)
        measure_remove(measure=damages, by=manager)
        measure_add(action=action, by=manager, kind=Kind.LIQUIDATED_DAMAGES, amount="25000")
        with pytest.raises(InvalidInput) as caught:
            agreement_decide(action=action, by=manager, decision="confirm")
        assert "decision" in caught.value.errors
        with pytest.raises(InvalidInput) as caught:
            agreement_decide(action=action, by=manager, decision="revise", reason=" ")
        assert "reason" in caught.value.errors

        # With a statement on record, the decision need not wait for the window to end.
        action = agreement_decide(action=action, by=manager, decision="revise", reason="当事人主动退款，违约金减半。")
        assert action.status == AgreementAction.Status.DONE and action.decision == "revise"
        final = action.final_notice
        assert final.supersedes == first and final.kind == "breach_notice"
        assert final.context["final"] == "1" and final.context["statement_text"] == "已主动退回部分费用，请求从轻处理。"
        assert Obligation.objects.get(ledger="liquidated_damages").amount_due == Decimal("25000.00")
        assert Obligation.objects.get(ledger="liquidated_damages").basis == f"违约处理通知书 {final.number}"
        # The withdrawn measure stays on record, marked.
        damages.refresh_from_db()
        assert damages.withdrawn_at is not None and damages.notified
        assert len(track_done_calls) == 1

    def test_a_late_statement_is_not_considered(self, action, manager):
        measure_add(action=action, by=manager, kind=Kind.CRITICISM, summary="")
        action = agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        with later(20):
            with pytest.raises(InvalidInput) as caught:
                agreement_statement_record(action=action, by=manager, received_on=timezone.localdate(), text="迟到")
        assert "个工作日内陈述、申辩" in str(caught.value.errors["received_on"][0])


class TestRectification:
    def draft(self, action, manager):
        measure_add(action=action, by=manager, kind=Kind.RECTIFICATION, due_on=days(40), summary="规范收费行为")
        return agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)

    def test_check_passed(self, action, manager, track_done_calls):
        self.draft(action, manager)
        with later(20):
            action = agreement_decide(action=action, by=manager, decision="confirm")
        assert action.status == AgreementAction.Status.RECTIFYING and action.check_due == days(40)
        deadline = Deadline.objects.get(step="rectification", ref=action.deadline_ref)
        assert deadline.due == days(40) and deadline.closed_on is None
        assert pending_task(action).flow_task == AgreementFlow.check
        assert track_done_calls == []
        with later(41):
            action = agreement_check_record(action=action, by=manager, result="passed", note="复查已整改到位")
            checked_on = timezone.localdate()
        assert action.status == AgreementAction.Status.DONE and action.check_result == "passed"
        deadline.refresh_from_db()
        assert deadline.closed_on == checked_on
        assert len(track_done_calls) == 1

    def test_check_failed_only_after_the_date(self, action, manager, track_done_calls):
        self.draft(action, manager)
        with later(20):
            action = agreement_decide(action=action, by=manager, decision="confirm")
            with pytest.raises(InvalidInput) as caught:
                agreement_check_record(action=action, by=manager, result="failed", note="未整改")
            assert "result" in caught.value.errors
        with later(45):
            action = agreement_check_record(action=action, by=manager, result="failed", note="复查仍存在分解收费")
        assert action.check_result == "failed" and action.status == AgreementAction.Status.DONE
        assert len(track_done_calls) == 1


class TestRules:
    def test_liquidated_damages_outside_the_rule_name_it(self, action, manager):
        # Improper amount ¥25,000: 1 to 5 times is ¥25,000 to ¥125,000.
        for amount in ("24999.99", "125000.01"):
            with pytest.raises(InvalidInput) as caught:
                measure_add(action=action, by=manager, kind=Kind.LIQUIDATED_DAMAGES, amount=amount)
            message = str(caught.value.errors["amount"][0])
            assert "《医疗保障定点医疗机构服务协议》违约责任条款" in message
            assert "25,000.00" in message and "125,000.00" in message
        measure = measure_add(action=action, by=manager, kind=Kind.LIQUIDATED_DAMAGES, amount="125000")
        assert measure.basis == "《医疗保障定点医疗机构服务协议》违约责任条款"

    def test_a_region_overrides_the_defaults(self, action, manager, monkeypatch):
        strict = rules.AgreementRules(
            statement_working_days=7,
            liquidated_damages=rules.LiquidatedDamagesRule("第五十条", Decimal(2), Decimal(3)),
            suspension_max_months=6,
        )
        monkeypatch.setitem(rules.REGION_RULES, "320000", strict)  # the province, for all its cities
        with pytest.raises(InvalidInput) as caught:
            measure_add(action=action, by=manager, kind=Kind.LIQUIDATED_DAMAGES, amount="25000")
        assert "第五十条" in str(caught.value.errors["amount"][0])
        with pytest.raises(InvalidInput) as caught:
            measure_add(action=action, by=manager, kind=Kind.SUSPENSION, months=7, starts_on=days(30))
        assert "1" in str(caught.value.errors["months"][0]) and "6" in str(caught.value.errors["months"][0])
        measure_add(action=action, by=manager, kind=Kind.LIQUIDATED_DAMAGES, amount="50000")
        action = agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        assert action.statement_due == rules.statement_due(strict, timezone.localdate())

    def test_amounts_refused_and_recovered_are_capped_by_the_findings(self, action, manager):
        with pytest.raises(InvalidInput):
            measure_add(action=action, by=manager, kind=Kind.RECOVERY, amount="20000.01")  # fund loss ¥20,000
        measure_add(action=action, by=manager, kind=Kind.RECOVERY, amount="20000")
        with pytest.raises(InvalidInput):
            measure_add(action=action, by=manager, kind=Kind.REFUSAL, amount="5000.01")  # improper ¥25,000
        measure_add(action=action, by=manager, kind=Kind.REFUSAL, amount="5000")

    def test_recovery_is_capped_by_what_a_penalty_decision_already_ordered_back(self, action, manager, alice):
        from ledgers.services import obligation_record

        # The bureau's penalty decision already ordered ¥12,000 of the ¥20,000 fund loss back to the fund.
        obligation_record(
            case=action.case,
            subject=action.subject,
            ledger="fund_refund",
            amount_due="12000",
            basis="连医保罚决〔2026〕1号",
            by=alice,
        )
        with pytest.raises(InvalidInput) as caught:
            measure_add(action=action, by=manager, kind=Kind.RECOVERY, amount="8000.01")
        assert "8,000.00" in str(caught.value.errors["amount"][0])
        measure_add(action=action, by=manager, kind=Kind.RECOVERY, amount="8000")

    def test_each_kind_needs_its_data(self, action, manager):
        cases = [
            (Kind.INTERVIEW, {"interview_on": days(1), "interviewees": "院长", "summary": "x"}, "interview_on"),
            (Kind.INTERVIEW, {"interview_on": days(0), "summary": "x"}, "interviewees"),
            (Kind.RECTIFICATION, {"summary": "整改"}, "due_on"),
            (Kind.RECOVERY, {"amount": "1.234"}, "amount"),
            (Kind.REFUSAL, {"amount": "-5"}, "amount"),
            (Kind.SUSPENSION, {"months": 0, "starts_on": days(30)}, "months"),
            (Kind.PARTIAL_SUSPENSION, {"scope": "department", "months": 3, "starts_on": days(30)}, "detail"),
            (Kind.PARTIAL_SUSPENSION, {"scope": "x", "detail": "骨科", "months": 3, "starts_on": days(30)}, "scope"),
            (Kind.TERMINATION, {}, "starts_on"),
            ("bogus", {}, "kind"),
        ]
        for kind, data, field in cases:
            with pytest.raises(InvalidInput) as caught:
                measure_add(action=action, by=manager, kind=kind, **data)
            assert field in caught.value.errors, (kind, data, caught.value.errors)
        assert not action.measures.exists()

    def test_one_of_a_kind_and_no_suspension_with_termination(self, action, manager):
        measure_add(action=action, by=manager, kind=Kind.CRITICISM, summary="全市通报")
        with pytest.raises(InvalidInput):
            measure_add(action=action, by=manager, kind=Kind.CRITICISM, summary="再通报")
        measure_add(action=action, by=manager, kind=Kind.TERMINATION, starts_on=days(30))
        with pytest.raises(InvalidInput):
            measure_add(action=action, by=manager, kind=Kind.SUSPENSION, months=6, starts_on=days(30))
        # Persons and departments may be suspended several times over.
        for detail in ("骨科", "检验科"):
            measure_add(
                action=action,
                by=manager,
                kind=Kind.PARTIAL_SUSPENSION,
                scope="department",
                detail=detail,
                months=3,
                starts_on=days(30),
            )

    def test_dated_measures_must_fall_after_the_window(self, action, manager):
        measure_add(action=action, by=manager, kind=Kind.SUSPENSION, months=6, starts_on=days(1))
        with pytest.raises(InvalidInput) as caught:
            agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        assert "__all__" in caught.value.errors
        assert (
            not Document.objects.filter(kind="breach_notice").exists()
            and AgreementAction.objects.get().status == "drafting"
        )


class TestSuspensionsAndTermination:
    def test_suspension_dates_and_the_subject_shows_suspended(self, action, manager, subject):
        measure_add(action=action, by=manager, kind=Kind.SUSPENSION, months=6, starts_on=days(20))
        measure_add(
            action=action,
            by=manager,
            kind=Kind.PARTIAL_SUSPENSION,
            scope="persons",
            detail="医师张某、李某",
            months=3,
            starts_on=days(20),
        )
        agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        with later(15):
            agreement_decide(action=action, by=manager, decision="confirm")
        services = Suspension.objects.get(subject=subject, scope="services")
        persons = Suspension.objects.get(subject=subject, scope="persons")
        assert (services.starts_on, services.ends_on) == (days(20), _add_months(days(20), 6) - datetime.timedelta(1))
        assert persons.detail == "医师张某、李某" and persons.ends_on == _add_months(days(20), 3) - datetime.timedelta(
            1
        )
        assert Subject.objects.with_suspension().get(pk=subject.pk).suspension_scope is None  # not yet begun
        with later(25):
            shown = Subject.objects.with_suspension().get(pk=subject.pk)
        assert shown.suspension_scope == "services" and shown.suspended_until == services.ends_on

    def test_termination(self, action, manager, subject):
        measure_add(action=action, by=manager, kind=Kind.TERMINATION, starts_on=days(20))
        agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        with later(20):
            agreement_decide(action=action, by=manager, decision="confirm")
            shown = Subject.objects.with_suspension().get(pk=subject.pk)
        assert shown.suspension_scope == "terminated" and shown.suspended_until is None
        assert Suspension.objects.get(subject=subject).ends_on is None

    def test_a_late_decision_must_revise_a_start_already_passed(self, action, manager):
        measure_add(action=action, by=manager, kind=Kind.SUSPENSION, months=6, starts_on=days(20))
        agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        with later(25):
            with pytest.raises(InvalidInput) as caught:
                agreement_decide(action=action, by=manager, decision="confirm")
        assert "__all__" in caught.value.errors and not Suspension.objects.exists()


class TestOrderAndImmutability:
    def test_wrong_order_is_refused(self, action, manager):
        with pytest.raises(InvalidTransition):
            agreement_decide(action=action, by=manager, decision="confirm")
        with pytest.raises(InvalidTransition):
            agreement_statement_record(action=action, by=manager, received_on=timezone.localdate(), text="申辩")
        with pytest.raises(InvalidTransition):
            agreement_check_record(action=action, by=manager, result="passed", note="ok")
        with pytest.raises(InvalidInput):
            agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)  # no measures yet
        measure_add(action=action, by=manager, kind=Kind.CRITICISM, summary="")
        agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        with pytest.raises(AlreadyDecided):
            agreement_issue_notice(action=action, by=manager, clauses=CLAUSES)
        with pytest.raises(InvalidTransition):
            agreement_check_record(action=action, by=manager, result="passed", note="ok")
        with later(20):
            agreement_decide(action=action, by=manager, decision="confirm")
            with pytest.raises(AlreadyDecided):
                agreement_decide(action=action, by=manager, decision="confirm")
            with pytest.raises(InvalidTransition):
                agreement_check_record(action=action, by=manager, result="passed", note="ok")
            with pytest.raises(InvalidTransition):
                measure_add(action=action, by=manager, kind=Kind.REFUSAL, amount="100")
        assert Document.objects.filter(kind="breach_notice").count() == 1

    def test_only_the_handling_agency_acts(self, action, alice, cz_manager, auditor):
        for user in (alice, cz_manager, auditor):
            with pytest.raises(PermissionDenied):
                measure_add(action=action, by=user, kind=Kind.CRITICISM, summary="")

    def test_the_head_of_the_handling_agency_decides_with_amounts(self, action, agency_head, alice):
        measure_add(action=action, by=agency_head, kind=Kind.RECOVERY, amount="1000")
        agreement_issue_notice(action=action, by=agency_head, clauses=CLAUSES)
        with later(20):
            with pytest.raises(PermissionDenied):
                agreement_decide(action=action, by=alice, decision="confirm")  # the bureau reads, never decides
            assert agreement_decide(action=action, by=agency_head, decision="confirm").status == "done"
        refund = Obligation.objects.get(case=action.case, ledger="fund_refund")
        assert refund.agency_id == action.agency_id and refund.amount_due == Decimal("1000.00")

    def test_notice_is_numbered_rendered_once_and_immutable(
        self, action, manager, pharmacy, handling_case, alice, django_capture_on_commit_callbacks
    ):
        from documents.services import document_pdf_bytes, document_render

        second = agreement_start(case=handling_case, subject=pharmacy, by=alice)
        with django_capture_on_commit_callbacks(execute=True):
            for each in (action, second):
                measure_add(action=each, by=manager, kind=Kind.CRITICISM, summary="")
                agreement_issue_notice(action=each, by=manager, clauses=CLAUSES)
        year = timezone.localdate().year
        numbers = list(
            Document.objects.filter(kind="breach_notice").order_by("sequence").values_list("number", flat=True)
        )
        assert numbers == [f"连医管违约通〔{year}〕1号", f"连医管违约通〔{year}〕2号"]
        notice = AgreementAction.objects.get(pk=action.pk).notice
        pdf = document_pdf_bytes(document=notice)
        assert pdf.startswith(b"%PDF") and notice.sha256
        document_render(document=notice)
        assert document_pdf_bytes(document=Document.objects.get(pk=notice.pk)) == pdf


def _add_months(day, months):
    from casework.penalty_rules import add_months

    return add_months(day, months)
