"""The outcome flow (issue 5): the decision on tracks, parallel tracks joined, 结案 and the 结案报告."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, CaseTrack, CreditPoint
from documents.kinds import CASE_CLOSING_REPORT
from documents.models import Document
from documents.services import document_pdf_bytes
from organisation.models import Agency
from organisation.roles import Role
from tests.factories import AgencyFactory, UserFactory
from tests.investigation_support import investigate
from workflows.outcome import (
    CreditAward,
    OutcomeChoice,
    OutcomeFlow,
    case_close,
    outcome_decide,
    pending_task,
    track_done,
)
from workflows.triage import triage_decide


@pytest.fixture
def bob2(lyg_bureau):
    return UserFactory(username="bob2", first_name="孙伟", agency=lyg_bureau, roles=[Role.INVESTIGATOR])


@pytest.fixture
def lyg_police_agency(lyg_police):
    return lyg_police


@pytest.fixture
def investigated(make_lead, alice, bob, bob2, subject, other_subject):
    case = triage_decide(lead=make_lead(subjects=[subject, other_subject]), by=alice, decision="open").case
    return investigate(case, alice, [bob, bob2], subject)


def test_the_closing_report_opens_the_decision_task_for_the_section_head(investigated, alice, client):
    assert investigated.status == Case.Status.INVESTIGATING
    task = pending_task(investigated, OutcomeFlow.decide)
    assert task is not None
    client.force_login(alice)
    page = client.get(reverse("task-list")).content.decode()
    assert reverse("outcome-task", args=[task.pk]) in page
    # The task carries the case's 90-day penalty decision deadline.
    due = investigated.deadlines.get(step="penalty_decision").due
    assert f"{due.year}年{due.month}月{due.day}日" in page


def test_no_track_needs_reasons_then_the_case_closes_with_a_numbered_report(
    investigated, alice, django_capture_on_commit_callbacks
):
    with pytest.raises(InvalidInput) as caught:
        outcome_decide(case=investigated, by=alice, choice=OutcomeChoice())
    assert "reasoning" in caught.value.errors
    process = outcome_decide(case=investigated, by=alice, choice=OutcomeChoice(reasoning="违规情节轻微，已当场纠正。"))
    assert not process.has_tracks
    investigated.refresh_from_db()
    assert investigated.status == Case.Status.INVESTIGATING
    with django_capture_on_commit_callbacks(execute=True):
        process = case_close(case=investigated, by=alice, summary="责令改正，已整改到位，结案。")
    investigated.refresh_from_db()
    assert investigated.status == Case.Status.CLOSED and investigated.closed_at is not None
    assert not investigated.deadlines.open().exists()
    report = process.closing_report
    assert report.kind == CASE_CLOSING_REPORT.code and report.number.startswith("连医保结报〔")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document_pdf_bytes(document=report))).pages)
    text = text.replace("\n", "")
    for expected in ("结案报告", investigated.number, "违规情节轻微", "责令改正，已整改到位", "调查终结报告"):
        assert expected in text


def test_tracks_run_in_parallel_and_the_case_closes_only_when_all_are_done(
    investigated, alice, subject, lyg_police_agency
):
    choice = OutcomeChoice(
        referral_agencies=[lyg_police_agency],
        referral_grounds="涉嫌诈骗医保基金，数额较大。",
        credit=[CreditAward(subject, 6, "虚记费用")],
    )
    outcome_decide(case=investigated, by=alice, choice=choice)
    investigated.refresh_from_db()
    assert investigated.status == Case.Status.HANDLING
    tracks = {t.kind: t.finished_at for t in CaseTrack.objects.filter(case=investigated)}
    # Credit points are recorded with the decision; its branch is done at once, the referral runs on.
    assert set(tracks) == {"referral", "credit"}
    assert tracks["credit"] is not None and tracks["referral"] is None
    assert CreditPoint.objects.get(case=investigated).points == 6
    # The 90-day penalty deadline no longer applies without a penalty track.
    assert not investigated.deadlines.open().filter(step="penalty_decision").exists()
    with pytest.raises(InvalidTransition) as caught:
        case_close(case=investigated, by=alice, summary="结案")
    assert "移送" in str(caught.value.message) or "Referral" in str(caught.value.message)
    # The referral runs its own flow (referrals); its final outcome lets the branch reach the join.
    from referrals import services as referrals
    from referrals.models import Referral
    from tests.referral_support import sent

    head = UserFactory(username="head_x", agency=investigated.agency, roles=[Role.DIRECTOR])
    police = UserFactory(username="police_x", agency=lyg_police_agency, roles=[Role.LIAISON])
    officer = investigated.investigation.investigators.first()
    referral = sent(Referral.objects.get(case=investigated), officer, head)
    referral = referrals.referral_accept(referral=referral, by=police, reference="连公刑立〔2026〕8号")
    assert pending_task(investigated, OutcomeFlow.close) is None
    referrals.referral_outcome_record(
        referral=referral, by=police, kind="judgment", summary="判决有罪", decided_on=timezone.localdate()
    )
    assert pending_task(investigated, OutcomeFlow.close) is not None
    case_close(case=investigated, by=alice, summary="移送公安机关立案侦查，结案。")
    investigated.refresh_from_db()
    assert investigated.status == Case.Status.CLOSED


def test_deciding_twice_is_refused(investigated, alice, alice2):
    outcome_decide(case=investigated, by=alice, choice=OutcomeChoice(reasoning="不予处理"))
    with pytest.raises(AlreadyDecided):
        outcome_decide(case=investigated, by=alice2, choice=OutcomeChoice(reasoning="不予处理"))


def test_choices_are_checked(investigated, alice, subject, cz_region, lyg_police_agency):
    from tests.factories import SubjectFactory

    stranger = SubjectFactory(region=subject.region)
    cz_police = AgencyFactory(region=cz_region, code="320400-police", kind=Agency.Kind.POLICE, number_prefix="常公")
    cases = [
        (OutcomeChoice(penalty_subjects=[stranger]), "penalty_subjects"),
        (OutcomeChoice(referral_agencies=[cz_police], referral_grounds="x"), "referral_agencies"),
        (OutcomeChoice(referral_agencies=[lyg_police_agency]), "referral_grounds"),
        (OutcomeChoice(credit=[CreditAward(subject, 40, "x")]), "credit"),
        (OutcomeChoice(credit=[CreditAward(subject, 3, " ")]), "credit"),
    ]
    for choice, field in cases:
        with pytest.raises(InvalidInput) as caught:
            outcome_decide(case=investigated, by=alice, choice=choice)
        assert field in caught.value.errors
    assert pending_task(investigated, OutcomeFlow.decide) is not None


def test_track_done_without_a_waiting_branch_changes_nothing(investigated, alice):
    assert track_done(case=investigated, kind="penalty", by=alice) is False
    assert pending_task(investigated, OutcomeFlow.decide) is not None


class TestPages:
    def test_the_section_head_decides_through_the_task_page(self, investigated, alice, subject, client):
        task = pending_task(investigated, OutcomeFlow.decide)
        client.force_login(alice)
        url = reverse("outcome-task", args=[task.pk])
        page = client.get(url)
        assert page.status_code == 200
        response = client.post(url, {f"credit_{subject.pk}": "3"})
        assert response.status_code == 200  # a reason is required with the points
        assert not CreditPoint.objects.exists()
        response = client.post(url, {f"credit_{subject.pk}": "3", f"credit_reason_{subject.pk}": "未按规定留存病历"})
        assert response.status_code == 302
        assert CreditPoint.objects.get().points == 3
        case_page = client.get(reverse("case-detail", args=[investigated.pk])).content.decode()
        assert "未按规定留存病历" in case_page
        close = pending_task(investigated, OutcomeFlow.close)
        response = client.post(reverse("outcome-task", args=[close.pk]), {"summary": "记分处理，结案。"})
        assert response.status_code == 302
        investigated.refresh_from_db()
        assert investigated.status == Case.Status.CLOSED
        assert Document.objects.filter(case=investigated, kind=CASE_CLOSING_REPORT.code).count() == 1

    def test_readers_see_the_task_but_cannot_act(self, investigated, bob, auditor, client):
        task = pending_task(investigated, OutcomeFlow.decide)
        url = reverse("outcome-task", args=[task.pk])
        for reader in (bob, auditor):
            client.force_login(reader)
            assert client.get(url).status_code == 200
            assert client.post(url, {"reasoning": "不予处理"}).status_code == 403
        assert pending_task(investigated, OutcomeFlow.decide) is not None

    def test_outsiders_and_anonymous_are_refused(self, investigated, charlie, police, client):
        task = pending_task(investigated, OutcomeFlow.decide)
        url = reverse("outcome-task", args=[task.pk])
        assert client.get(url).status_code == 302
        for outsider in (charlie, police):
            client.force_login(outsider)
            assert client.get(url).status_code == 404
            assert client.post(url, {"reasoning": "x"}).status_code == 404
            assert reverse("outcome-task", args=[task.pk]) not in client.get(reverse("task-list")).content.decode()
        assert client.get(reverse("outcome-task", args=[999999])).status_code == 404

    def test_task_list_queries_do_not_grow_with_cases(
        self, make_lead, investigated, alice, bob, bob2, subject, client, django_assert_max_num_queries
    ):
        client.force_login(alice)
        with django_assert_max_num_queries(25) as first:
            client.get(reverse("task-list"))
        for _ in range(3):
            case = triage_decide(lead=make_lead(), by=alice, decision="open").case
            investigate(case, alice, [bob, bob2], subject)
        with django_assert_max_num_queries(len(first.captured_queries)):
            page = client.get(reverse("task-list")).content.decode()
        assert page.count("/tasks/outcome/") >= 4

    def test_case_page_with_the_outcome_panel_is_bounded(
        self, investigated, alice, subject, lyg_police_agency, client, django_assert_max_num_queries
    ):
        outcome_decide(
            case=investigated,
            by=alice,
            choice=OutcomeChoice(
                referral_agencies=[lyg_police_agency],
                referral_grounds="涉嫌犯罪",
                credit=[CreditAward(subject, 2, "x")],
            ),
        )
        client.force_login(alice)
        with django_assert_max_num_queries(70):
            page = client.get(reverse("case-detail", args=[investigated.pk])).content.decode()
        assert lyg_police_agency.name in page
