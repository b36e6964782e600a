"""The frozen contexts (strings only) of the penalty track's documents (文书, domain.md §13).

Documents are in Chinese whatever the reader's language, so the Chinese names of kinds, measures and
service methods are written here rather than taken from the translated choice labels.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from casework import penalty_rules as rules
from casework.models import Case, Evidence
from documents.formatting import chinese_date, chinese_datetime, yuan
from organisation.models import User
from penalties.terms import Terms

SUBJECT_KIND = {
    "institution": "定点医疗机构",
    "pharmacy": "定点零售药店",
    "insured": "参保人员",
    "practitioner": "医保医师（药师）",
    "other": "其他",
}
EVIDENCE_KIND = {
    Evidence.Kind.INTERVIEW_RECORD: "询问笔录",
    Evidence.Kind.INSPECTION_RECORD: "现场检查笔录",
    Evidence.Kind.DOCUMENTARY: "书证",
    Evidence.Kind.ELECTRONIC: "电子数据",
    Evidence.Kind.AUDIOVISUAL: "视听资料",
    Evidence.Kind.EXPERT_OPINION: "鉴定意见",
}
SERVICE_METHOD = {
    "direct": "直接送达",
    "mail": "邮寄送达",
    "agent": "委托代理人签收",
    "announcement": "公告送达",
    "electronic": "电子送达（经受送达人同意）",
}
STATEMENT_KIND = {
    "statement": "当事人在规定期限内提出了陈述、申辩意见",
    "waived": "当事人书面表示放弃陈述、申辩权利",
    "none": "当事人在规定期限内未提出陈述、申辩意见",
}


REGULATION = "《医疗保障基金使用监督管理条例》"


def citation(article: str) -> str:
    """The article in full, as a document cites it: 《医疗保障基金使用监督管理条例》第四十条."""
    rule = rules.FINE_RULES.get(article) or rules.SUSPENSION_RULES.get(article)
    return (rule.citation if rule else f"《条例》第{article}条").replace("《条例》", REGULATION)


def sentence(text: str) -> str:
    """Text quoted in a document ends with a full stop."""
    text = (text or "").strip()
    return text if not text or text[-1] in "。！？.!?" else f"{text}。"


def measures(terms: Terms) -> list[str]:
    """The penalties in the words of a 决定书, one line each."""
    lines = []
    if terms.warning:
        lines.append("警告")
    if terms.refund:
        lines.append(f"责令退回医疗保障基金人民币{yuan(terms.refund)}元")
    if terms.fine:
        lines.append(f"罚款人民币{yuan(terms.fine)}元")
    if terms.confiscation:
        lines.append(f"没收违法所得人民币{yuan(terms.confiscation)}元")
    if terms.suspension_months:
        rule = rules.SUSPENSION_RULES.get(terms.article)
        months = terms.suspension_months
        if rule is not None and rule.measure == "department":
            lines.append(f"暂停{terms.suspension_detail}涉及医疗保障基金使用的医药服务{months}个月")
        elif rule is not None and rule.measure == "direct_settlement":
            lines.append(f"暂停医疗费用联网结算{months}个月")
        else:
            lines.append(f"暂停涉及医疗保障基金使用的医药服务{months}个月")
    if terms.terminates:
        lines.append("由医疗保障经办机构解除医疗保障服务协议")
    return lines


def _subject(penalty) -> dict:
    subject = penalty.subject
    return {
        "name": subject.name,
        "kind": SUBJECT_KIND.get(subject.kind, ""),
        "code": subject.code,
        "address": subject.address,
        "id_number": subject.id_number_masked,
        "is_person": penalty.is_person,
    }


def _evidence(case: Case) -> list[str]:
    items = Evidence.objects.filter(case=case).order_by("collected_at", "pk")[:12]
    return [f"{EVIDENCE_KIND.get(item.kind, '')}《{item.title}》" for item in items]


def _base(penalty) -> dict:
    case = penalty.case
    return {
        "case_number": case.number,
        "case_title": case.title,
        "opened_on": chinese_date(timezone.localdate(case.opened_at)),
        "subject": _subject(penalty),
        "article": citation(penalty.article) if penalty.article else "",
        "facts": penalty.facts,
        "grounds": penalty.grounds,
    }


def prior_notice(penalty, *, by: User) -> dict:
    terms = Terms.of(penalty)
    return {
        **_base(penalty),
        "evidence": _evidence(penalty.case),
        "measures": measures(terms),
        "statement_days": str(rules.STATEMENT_DAYS),
        "hearing_offered": penalty.hearing_offered,
        "hearing_days": str(rules.HEARING_REQUEST_DAYS),
        "served_on": chinese_date(penalty.notice_served_on),
        "contact": by.display_name,
    }


def hearing_notice(penalty, hearing, *, by: User) -> dict:
    return {
        **_base(penalty),
        "notice_number": penalty.notice.number,
        "requested_on": chinese_date(hearing.requested_on),
        "hearing_at": chinese_datetime(hearing.scheduled_at),
        "place": hearing.place,
        "public": hearing.public,
        "chair": hearing.chair.display_name,
        "notice_sent_on": chinese_date(hearing.notice_sent_on),
        "contact": by.display_name,
    }


def hearing_record(penalty, hearing, *, by: User) -> dict:
    return {
        **_base(penalty),
        "measures": measures(Terms.of(penalty)),
        "hearing_at": chinese_datetime(hearing.scheduled_at),
        "held_on": chinese_date(hearing.held_on),
        "place": hearing.place,
        "public": "公开" if hearing.public else "不公开",
        "chair": hearing.chair.display_name,
        "clerk": by.display_name,
        "participants": hearing.participants,
        "investigators_case": hearing.investigators_case,
        "subject_statement": hearing.subject_statement,
    }


def legal_review(penalty, *, by: User, today: datetime.date) -> dict:
    return {
        **_base(penalty),
        "measures": measures(Terms.of(penalty)),
        "statement": STATEMENT_KIND.get(penalty.statement_kind, ""),
        "hearing_held": hasattr(penalty, "hearing") and penalty.hearing.held_on is not None,
        "passed": bool(penalty.review_passed),
        "opinion": penalty.review_opinion,
        "reviewer": by.display_name,
        "reviewed_on": chinese_date(today),
        "basis": rules.LEGAL_REVIEW_BASIS,
    }


def collective_discussion(penalty, *, by: User) -> dict:
    return {
        **_base(penalty),
        "measures": measures(Terms.of(penalty)),
        "discussed_on": chinese_date(penalty.discussed_on),
        "chair": by.display_name,
        "participants": penalty.discussion_participants,
        "opinions": penalty.discussion_opinions,
        "conclusion": penalty.discussion_conclusion,
        "basis": rules.COLLECTIVE_DISCUSSION_BASIS,
    }


def _remedies(case: Case) -> dict:
    # 行政复议法 (2023) Art.24: the government at the bureau's level hears the review.
    return {"government": f"{case.agency.region.name}人民政府"}


def penalty_decision(penalty, *, by: User) -> dict:
    terms = Terms.of(penalty)
    hearing = getattr(penalty, "hearing", None)
    return {
        **_base(penalty),
        **_remedies(penalty.case),
        "evidence": _evidence(penalty.case),
        "measures": measures(terms),
        "notice_number": penalty.notice.number,
        "notice_served_on": chinese_date(penalty.notice_served_on),
        "hearing_offered": penalty.hearing_offered,
        "statement_kind": penalty.statement_kind,
        "statement": sentence(penalty.statement),
        "hearing_held_on": chinese_date(hearing.held_on) if hearing and hearing.held_on else "",
        "decided_on": chinese_date(penalty.decided_on),
        "has_fine": bool(terms.fine),
        "has_refund": bool(terms.refund),
        "has_money": terms.money_total > 0,
        "payment_days": str(rules.PAYMENT_DAYS),
        "decided_by": by.display_name,
    }


def summary_decision(penalty, *, by: User, place: str) -> dict:
    terms = Terms.of(penalty)
    return {
        **_base(penalty),
        **_remedies(penalty.case),
        "measures": measures(terms),
        "place": place,
        "decided_on": chinese_date(penalty.decided_on),
        "statement": penalty.statement,
        "has_fine": bool(terms.fine),
        "payment_days": str(rules.PAYMENT_DAYS),
        "officer": by.display_name,
        "officer_id": by.username,
        "basis": rules.SUMMARY_BASIS,
    }


def service_receipt(penalty, *, document, by: User) -> dict:
    return {
        **_base(penalty),
        "served_document": f"{document.title}（{document.number}）",
        "method": SERVICE_METHOD.get(penalty.service_method, ""),
        "served_on": chinese_date(penalty.served_on),
        "recipient": penalty.service_recipient,
        "server": by.display_name,
        "address": penalty.subject.address,
    }


def payment_reminder(penalty, *, owed: list[dict], late_fee: Decimal, payment_due, reminded_on, by: User) -> dict:
    return {
        **_base(penalty),
        "decision_number": penalty.decision.number,
        "decided_on": chinese_date(penalty.decided_on),
        "served_on": chinese_date(penalty.served_on),
        "payment_due": chinese_date(payment_due),
        "reminded_on": chinese_date(reminded_on),
        "owed": owed,
        "late_fee": yuan(late_fee),
        "has_late_fee": late_fee > 0,
        "wait_days": str(rules.REMINDER_WAIT_DAYS),
        "contact": by.display_name,
    }


def enforcement_application(
    penalty, *, court: str, owed: list[dict], late_fee: Decimal, window_opens, applied_on, by: User
) -> dict:
    return {
        **_base(penalty),
        "court": court,
        "decision_number": penalty.decision.number,
        "decided_on": chinese_date(penalty.decided_on),
        "served_on": chinese_date(penalty.served_on),
        "review_period_ended": chinese_date(window_opens - datetime.timedelta(days=1)),
        "reminder_number": penalty.reminder.number,
        "reminded_on": chinese_date(penalty.reminded_on),
        "owed": owed,
        "late_fee": yuan(late_fee),
        "has_late_fee": late_fee > 0,
        "applied_on": chinese_date(applied_on),
        "receipt_number": penalty.service_receipt.number if penalty.service_receipt_id else "",
        "agency_head": by.display_name,
    }


def extension_approval(case: Case, extension, *, subjects: list[str], by: User) -> dict:
    return {
        "case_number": case.number,
        "case_title": case.title,
        "opened_on": chinese_date(timezone.localdate(case.opened_at)),
        "subjects": "、".join(subjects),
        "previous_due": chinese_date(extension.previous_due),
        "new_due": chinese_date(extension.new_due),
        "days": str(extension.days),
        "reason": extension.reason,
        "approved_by": by.display_name,
        "approved_on": chinese_date(timezone.localdate(extension.approved_at)),
        "basis": "《医疗保障行政处罚程序暂行规定》（国家医保局令第4号）",
    }
