"""The referral flow (issue 6): both sides, every path — accept, refuse → 复议 → 立案监督, forward,
outcomes, back to the penalty track — and who sees what."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from pypdf import PdfReader

from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, CaseTrack, Deadline
from documents.models import Document
from documents.services import document_pdf_bytes
from penalties.models import Penalty
from referrals import services
from referrals.models import Referral
from tests.referral_support import decided_for_referral, prepared
from workflows.outcome import OutcomeFlow, case_close, pending_task

Status = Referral.Status


def pdf_text(document) -> str:
    return "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(document_pdf_bytes(document=document))).pages
    ).replace("\n", "")


def open_steps(referral) -> dict:
    return dict(
        Deadline.objects.filter(case=referral.case, ref=referral.deadline_ref, closed_on__isnull=True).values_list(
            "step", "due"
        )
    )


class TestSenderSide:
    def test_report_decision_and_sending_each_carry_their_deadline(
        self, referral_case, alice, bob, director, lyg_police, police, prosecutor
    ):
        referral = decided_for_referral(referral_case, alice, lyg_police)
        assert referral.status == Status.PREPARING and referral.kind == Referral.Kind.CRIMINAL
        assert referral.procuratorate.kind == "procuratorate"
        # Nobody outside the bureau sees it while it is prepared.
        assert not Referral.objects.visible_to(police).exists()
        with pytest.raises(InvalidInput) as caught:
            services.referral_report(referral=referral, by=bob, grounds=[], facts="", evidence=[])
        assert set(caught.value.errors) == {"grounds", "facts"}
        referral = prepared(referral, bob)
        today = timezone.localdate()
        assert open_steps(referral) == {"referral_approval": today + datetime.timedelta(days=3)}
        # Only the head approves.
        with pytest.raises(PermissionDenied):
            services.referral_approve(referral=referral, by=bob, approve=True)
        referral = services.referral_approve(referral=referral, by=director, approve=True)
        assert set(open_steps(referral)) == {"referral_sending"}
        referral = services.referral_send(referral=referral, by=bob)
        assert referral.status == Status.AWAITING_RECEIPT and open_steps(referral) == {}
        kinds = set(referral.documents.values_list("kind", flat=True))
        assert kinds == {"criminal_referral_letter", "referral_report", "exhibit_list"}
        assert referral.letter.number.startswith("连医保刑移〔")
        text = pdf_text(referral.letter)
        for expected in ("涉嫌犯罪案件移送书", "连云港市公安局", "三日内", "抄送：连云港市人民检察院", "12000.50"):
            assert expected in text
        exhibit = referral.documents.get(kind="exhibit_list")
        assert "住院病历复印件" in pdf_text(exhibit)
        # Now the police's liaisons and the procuratorate (its copy) see it.
        assert Referral.objects.visible_to(police).filter(pk=referral.pk).exists()
        assert Referral.objects.visible_to(prosecutor).filter(pk=referral.pk).exists()
        assert not Referral.objects.handled_by(prosecutor).exists()

    def test_the_head_may_decline_with_reasons_which_ends_the_referral_track(
        self, referral_case, alice, bob, director, lyg_police
    ):
        referral = prepared(decided_for_referral(referral_case, alice, lyg_police), bob)
        with pytest.raises(InvalidInput):
            services.referral_approve(referral=referral, by=director, approve=False, note=" ")
        referral = services.referral_approve(
            referral=referral, by=director, approve=False, note="证据不足以认定涉嫌犯罪。"
        )
        assert referral.status == Status.DECLINED
        assert CaseTrack.objects.get(case=referral_case, kind="referral").finished_at is not None
        assert pending_task(referral_case, OutcomeFlow.close) is not None


class TestReceiverSide:
    def test_accept_after_receipt_then_outcomes_close_the_track(self, sent_referral, police, bob, alice):
        referral = services.referral_receipt(referral=sent_referral, by=police)
        assert referral.status == Status.RECEIVED
        assert referral.receipt.number.startswith("连公移回〔")
        assert "移送案件回执" in pdf_text(referral.receipt)
        assert open_steps(referral) == {"referral_filing_decision": timezone.localdate() + datetime.timedelta(days=3)}
        # Signing again changes nothing.
        again = services.referral_receipt(referral=referral, by=police)
        assert again.receipt_id == referral.receipt_id
        assert Document.objects.filter(kind="referral_receipt").count() == 1
        with pytest.raises(InvalidInput):
            services.referral_accept(referral=referral, by=police, reference=" ")
        referral = services.referral_accept(
            referral=referral, by=police, reference="连公刑立〔2026〕8号", note="已立案侦查"
        )
        assert referral.status == Status.ACCEPTED
        assert set(open_steps(referral)) == {"referral_handover"}
        with pytest.raises(AlreadyDecided):
            services.referral_reject(referral=referral, by=police, reason="不构成犯罪")
        services.referral_handover(referral=referral, by=bob, on=timezone.localdate())
        assert open_steps(referral) == {}
        # A non-final outcome keeps the referral open; the judgment concludes it.
        services.referral_outcome_record(
            referral=referral, by=police, kind="prosecution", summary="移送审查起诉", decided_on=timezone.localdate()
        )
        assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED
        with pytest.raises(InvalidTransition):
            case_close(case=referral.case, by=alice, summary="结案")
        outcome = services.referral_outcome_record(
            referral=referral,
            by=police,
            kind="judgment",
            summary="以诈骗罪判处有期徒刑三年",
            decided_on=timezone.localdate(),
            sentence="有期徒刑三年，并处罚金五万元",
            restitution_ordered=Decimal("12000.50"),
        )
        assert outcome.fine_offset == Decimal("0.00") and outcome.is_final
        referral.refresh_from_db()
        assert referral.status == Status.CONCLUDED
        with pytest.raises(AlreadyDecided):
            services.referral_outcome_record(
                referral=referral, by=police, kind="judgment", summary="再次", decided_on=timezone.localdate()
            )
        assert CaseTrack.objects.get(case=referral.case, kind="referral").finished_at is not None
        case_close(case=referral.case, by=alice, summary="移送公安机关，已判决。")
        closing = Document.objects.get(case=referral.case, kind="case_closing_report")
        text = pdf_text(closing)
        assert "连公刑立〔2026〕8号" in text and "以诈骗罪判处有期徒刑三年" in text

    def test_accepting_before_the_receipt_signs_it_first(self, sent_referral, police):
        referral = services.referral_accept(referral=sent_referral, by=police, reference="连公刑立〔2026〕9号")
        assert referral.status == Status.ACCEPTED and referral.receipt_id is not None

    def test_refusal_reconsideration_and_procuratorate_supervision(self, sent_referral, police, bob, prosecutor):
        with pytest.raises(InvalidInput) as caught:
            services.referral_reject(referral=sent_referral, by=police, reason="")
        assert "reason" in caught.value.errors
        referral = services.referral_reject(referral=sent_referral, by=police, reason="证据不足，不予立案。")
        assert referral.status == Status.REJECTED
        assert set(open_steps(referral)) == {"referral_reconsideration_request"}
        # Supervision comes after reconsideration.
        with pytest.raises(InvalidTransition):
            services.referral_supervision_request(referral=referral, by=bob, reason="请求监督")
        referral = services.referral_reconsideration_request(referral=referral, by=bob, reason="金额已达追诉标准。")
        assert set(open_steps(referral)) == {"referral_reconsideration_answer"}
        referral = services.referral_reconsideration_answer(
            referral=referral, by=police, accept=False, answer="维持不予立案决定。"
        )
        assert referral.status == Status.REJECTED
        with pytest.raises(InvalidTransition):
            services.referral_reconsideration_request(referral=referral, by=bob, reason="再次复议")
        # The procuratorate may not act before it is asked.
        assert not prosecutor.has_perm("referrals.supervise_referral", referral)
        referral = services.referral_supervision_request(referral=referral, by=bob, reason="请求立案监督。")
        assert referral.status == Status.SUPERVISION and "referral_supervision" in open_steps(referral)
        referral = services.referral_supervision_decide(
            referral=referral, by=prosecutor, order_filing=True, note="通知公安机关立案。"
        )
        assert referral.status == Status.RECEIVED
        assert open_steps(referral)["referral_filing_decision"] == timezone.localdate() + datetime.timedelta(days=15)
        # Ordered to file, the police cannot refuse again.
        with pytest.raises(InvalidTransition):
            services.referral_reject(referral=referral, by=police, reason="仍不立案")
        referral = services.referral_accept(referral=referral, by=police, reference="连公刑立〔2026〕10号")
        assert referral.status == Status.ACCEPTED

    def test_a_refused_case_goes_back_to_the_penalty_track(self, sent_referral, police, bob, alice, subject):
        referral = services.referral_reject(referral=sent_referral, by=police, reason="不构成犯罪。")
        with pytest.raises(InvalidInput):
            services.referral_return_to_penalty(referral=referral, by=alice, subjects=[])
        referral = services.referral_return_to_penalty(referral=referral, by=alice, subjects=[subject])
        assert referral.status == Status.RETURNED
        penalty = Penalty.objects.get(case=referral.case, subject=subject)
        assert penalty.status == Penalty.Status.DRAFTING
        # The referral (and the case's referral track) wait for the penalty.
        assert CaseTrack.objects.get(case=referral.case, kind="referral").finished_at is None

    def test_forwarding_moves_the_referral_to_the_competent_agency(
        self, sent_referral, police, inspector, lyg_discipline, bob
    ):
        services.referral_receipt(referral=sent_referral, by=police)
        with pytest.raises(InvalidInput) as caught:
            services.referral_forward(referral=sent_referral, by=police, agency_code="nowhere", reason="")
        assert set(caught.value.errors) == {"agency", "reason"}
        referral = services.referral_forward(
            referral=sent_referral, by=police, agency_code=lyg_discipline.code, reason="涉及公职人员，属纪委监委管辖。"
        )
        assert referral.status == Status.AWAITING_RECEIPT and referral.to_agency == lyg_discipline
        assert referral.kind == Referral.Kind.DISCIPLINE
        assert not Referral.objects.visible_to(police).exists()
        assert Referral.objects.handled_by(inspector).filter(pk=referral.pk).exists()
        assert referral.events.filter(kind="forwarded", from_agency__kind="police").exists()
        referral = services.referral_accept(referral=referral, by=inspector, reference="连纪受〔2026〕3号")
        services.referral_outcome_record(
            referral=referral,
            by=inspector,
            kind="discipline",
            summary="给予政务记过处分",
            decided_on=timezone.localdate(),
        )
        assert Referral.objects.get(pk=referral.pk).status == Status.CONCLUDED

    def test_outcomes_are_checked(self, sent_referral, police):
        with pytest.raises(AlreadyDecided):
            services.referral_outcome_record(
                referral=sent_referral, by=police, kind="judgment", summary="x", decided_on=timezone.localdate()
            )
        referral = services.referral_accept(referral=sent_referral, by=police, reference="R1")
        with pytest.raises(InvalidInput) as caught:
            services.referral_outcome_record(
                referral=referral,
                by=police,
                kind="bogus",
                summary="",
                decided_on=timezone.localdate() + datetime.timedelta(days=1),
            )
        assert set(caught.value.errors) == {"kind", "summary", "decided_on"}
        with pytest.raises(InvalidInput):
            services.referral_outcome_record(
                referral=referral,
                by=police,
                kind="non_prosecution",
                summary="不起诉",
                decided_on=timezone.localdate(),
                restitution_ordered=Decimal("10.00"),
            )


class TestAccess:
    def test_other_agencies_see_nothing_and_cannot_act(
        self, sent_referral, cz_officer, charlie, inspector, auditor, clerk
    ):
        for outsider in (cz_officer, charlie, inspector):
            assert not Referral.objects.visible_to(outsider).exists()
            with pytest.raises(PermissionDenied):
                services.referral_receipt(referral=sent_referral, by=outsider)
        assert Referral.objects.visible_to(auditor).filter(pk=sent_referral.pk).exists()
        assert not Referral.objects.handled_by(auditor).exists()

    def test_the_liaison_sees_the_package_not_the_case(self, sent_referral, police):
        assert not Case.objects.visible_to(police).exists()
        visible = set(Document.objects.visible_to(police).values_list("kind", flat=True))
        assert visible == {"criminal_referral_letter", "referral_report", "exhibit_list"}


def test_deadline_reminders_go_to_the_side_that_must_act(sent_referral, police, police2, alice, bob):
    from workflows.models import Reminder
    from workflows.reminders import send_reminders

    services.referral_receipt(referral=sent_referral, by=police)
    send_reminders(today=timezone.localdate())
    reminded = set(Reminder.objects.values_list("user__username", flat=True))
    assert {"police", "police2"} <= reminded and "bob" not in reminded
    services.referral_reject(referral=sent_referral, by=police, reason="不予立案。")
    send_reminders(today=timezone.localdate())
    assert Reminder.objects.filter(user=alice).exists()


def test_one_decision_may_refer_to_several_agencies_and_the_track_waits_for_all(
    referral_case, alice, bob, director, lyg_police, lyg_discipline, inspector
):
    from workflows.outcome import OutcomeChoice, outcome_decide

    outcome_decide(
        case=referral_case,
        by=alice,
        choice=OutcomeChoice(
            referral_agencies=[lyg_police, lyg_discipline], referral_grounds="涉嫌犯罪，且涉及公职人员。"
        ),
    )
    police_referral, discipline_referral = (
        Referral.objects.get(case=referral_case, to_agency=agency) for agency in (lyg_police, lyg_discipline)
    )
    assert discipline_referral.kind == Referral.Kind.DISCIPLINE and discipline_referral.procuratorate is None
    services.referral_approve(referral=prepared(police_referral, bob), by=director, approve=False, note="证据不足。")
    track = CaseTrack.objects.get(case=referral_case, kind="referral")
    assert track.finished_at is None  # the 纪委监委 referral still runs
    referral = services.referral_approve(referral=prepared(discipline_referral, bob), by=director, approve=True)
    referral = services.referral_send(referral=referral, by=bob)
    assert referral.letter.title == "案件移送书"
    referral = services.referral_accept(referral=referral, by=inspector, reference="连纪受〔2026〕2号")
    services.referral_outcome_record(
        referral=referral, by=inspector, kind="discipline", summary="给予党内警告处分", decided_on=timezone.localdate()
    )
    track.refresh_from_db()
    assert track.finished_at is not None
    assert pending_task(referral_case, OutcomeFlow.close) is not None
