# ruff: noqa: F811  (pytest fixtures imported from tests/test_penalty_support.py are used as parameters)
"""Every penalty document is numbered, rendered once to a PDF that reads as the 文书 it is, and never changes."""

import datetime
import io

from django.utils import timezone
from pypdf import PdfReader

from documents.models import Document
from documents.services import document_pdf_bytes, document_render
from organisation.roles import Role
from penalties.execution import penalty_enforcement_apply, penalty_reminder_issue
from penalties.extension import decision_extension_approve
from penalties.services import (
    penalty_decide,
    penalty_discuss,
    penalty_hearing_hold,
    penalty_hearing_schedule,
    penalty_legal_review,
    penalty_serve,
    penalty_start,
    penalty_statement_record,
    penalty_summary_decide,
)
from penalties.terms import Terms
from tests.factories import UserFactory
from tests.test_penalty_support import (  # noqa: F401  (fixtures)
    FUND_LOSS,
    D,
    bob2,
    days_ago,
    director,
    finance,
    insured,
    legal,
    make_case,
    notice,
)

KINDS = {
    "penalty_prior_notice": ("行政处罚事先告知书", "陈述和申辩", "要求举行听证"),
    "hearing_notice": ("听证通知书", "听证室", "主持人"),
    "hearing_record": ("听证笔录", "调查人员提出的违法事实", "请求从轻处罚"),
    "legal_review_opinion": ("法制审核意见书", "审核通过", "法审"),
    "collective_discussion_record": ("集体讨论记录", "讨论决定", "局长"),
    "penalty_decision": ("行政处罚决定书", "医疗保障基金使用监督管理条例", "申请行政复议"),
    "service_receipt": ("送达回证", "直接送达", "院长王某某"),
    "payment_reminder": ("催告书", "加处罚款", "强制执行"),
    "enforcement_application": ("强制执行申请书", "海州区人民法院", "此致"),
    "summary_penalty_decision": ("当场行政处罚决定书", "第五十一条", "罚款人民币160.00元"),
    "extension_approval": ("延长办案期限审批表", "延长30日", "异地"),
}


def text(document: Document) -> str:
    reader = PdfReader(io.BytesIO(document_pdf_bytes(document=document)))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def test_each_document_of_the_track_reads_as_its_kind(
    make_case, subject, insured, alice, bob, legal, director, lyg_bureau, django_capture_on_commit_callbacks
):
    case = make_case((subject, FUND_LOSS), opened_days_ago=300)
    young = make_case((insured, D("80")), opened_days_ago=60)
    chair = UserFactory(username="chair", first_name="周", last_name="吴", agency=lyg_bureau, roles=[Role.SECTION_HEAD])
    with django_capture_on_commit_callbacks(execute=True):
        decision_extension_approve(case=young, by=director, reason="需调取外省异地就医结算记录，案情复杂。")
        p = penalty_start(case=case, subject=subject, by=alice)
        p = notice(p, bob, fine=D("120000"), served_days_ago=250, complex_case=True)
        p = penalty_statement_record(
            penalty=p,
            by=bob,
            kind="statement",
            statement="请求从轻处罚",
            received_on=days_ago(248),
            hearing_requested=True,
        )
        at = timezone.make_aware(datetime.datetime.combine(days_ago(238), datetime.time(9, 30)))
        p = penalty_hearing_schedule(
            penalty=p, by=bob, scheduled_at=at, place="本局三楼听证室", chair=chair, notice_sent_on=days_ago(246)
        )
        p = penalty_hearing_hold(
            penalty=p,
            by=bob,
            held_on=days_ago(238),
            participants="主持人：吴周",
            investigators_case="当事人虚构住院服务。",
            subject_statement="请求从轻处罚。",
        )
        p = penalty_legal_review(penalty=p, by=legal, passed=True, opinion="事实清楚。", reviewed_on=days_ago(235))
        p = penalty_discuss(
            penalty=p,
            by=director,
            participants="局长、副局长",
            opinions="同意",
            conclusion="同意",
            discussed_on=days_ago(233),
        )
        p = penalty_decide(penalty=p, by=director, decided_on=days_ago(232))
        p = penalty_serve(penalty=p, by=bob, method="direct", recipient="院长王某某", served_on=days_ago(230))
        p = penalty_reminder_issue(penalty=p, by=alice, reminded_on=days_ago(40))
        penalty_enforcement_apply(penalty=p, by=director, court="连云港市海州区人民法院")
        spot = penalty_start(case=young, subject=insured, by=alice, procedure="summary")
        penalty_summary_decide(
            penalty=spot, by=alice, terms=Terms(article="41", fine=D("160")), facts="转借社保卡", place="某药店"
        )
    year = timezone.localdate().year
    for kind, phrases in KINDS.items():
        document = Document.objects.get(kind=kind)
        assert document.number.startswith("连医保") and document.number.endswith(f"〔{year}〕1号"), document.number
        assert document.is_rendered and len(document.sha256) == 64
        content = text(document)
        for phrase in phrases:
            assert phrase in content, (kind, phrase)
    # Issued documents never change: rendering again keeps the first bytes.
    decision = Document.objects.get(kind="penalty_decision")
    assert document_render(document=decision).sha256 == decision.sha256
