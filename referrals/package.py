"""The referral's documents: the package the bureau sends (移送书, 调查报告, 涉案物品清单) and the 回执
the receiving agency signs. Each is numbered in its issuing agency's series and frozen at issue."""

from django.utils import timezone

from casework.models import Preservation
from documents import kinds
from documents.formatting import chinese_date
from documents.models import Document
from documents.services import document_issue
from organisation.models import User
from referrals.models import Referral
from workflows.investigation import case_facts_context, evidence_rows

CRIMINAL_BASIS = "《行政执法机关移送涉嫌犯罪案件的规定》第三条"
OTHER_BASIS = "《医疗保障基金使用监督管理条例》第四十八条"


def _grounds(referral: Referral) -> list[dict]:
    return [{"name": ground.name, "basis": ground.basis} for ground in referral.grounds.all()]


def package_issue(*, referral: Referral, by: User) -> list[Document]:
    """Issue the three documents of the package and attach them to the referral (sets referral.letter)."""
    case = referral.case
    facts = case_facts_context(case)
    evidence = evidence_rows(referral.evidence.all())
    criminal = referral.kind == Referral.Kind.CRIMINAL
    common = {"to_agency": referral.to_agency.name, "grounds": _grounds(referral), "facts": referral.facts}
    closed_at = getattr(getattr(case, "investigation", None), "closed_at", None)
    report = document_issue(
        kind=kinds.REFERRAL_REPORT,
        agency=referral.agency,
        by=by,
        case=case,
        context={
            **facts,
            **common,
            "evidence_count": len(evidence),
            "investigation_closed_on": chinese_date(timezone.localdate(closed_at)) if closed_at else "—",
            "reported_by": referral.reported_by.display_name if referral.reported_by_id else "",
            "reported_on": chinese_date(timezone.localdate(referral.reported_at)) if referral.reported_at else "",
            "approved_by": referral.approved_by.display_name if referral.approved_by_id else "",
            "approved_on": chinese_date(timezone.localdate(referral.approved_at)) if referral.approved_at else "",
            "approval_note": referral.approval_note,
        },
    )
    exhibit_list = document_issue(
        kind=kinds.EXHIBIT_LIST,
        agency=referral.agency,
        by=by,
        case=case,
        context={
            "case_title": case.title,
            "case_number": case.number,
            "to_agency": referral.to_agency.name,
            "evidence": evidence,
            "preserved": [
                {
                    "items": item.items,
                    "place": item.place,
                    "registered_on": chinese_date(item.registered_on),
                    "decision": str(item.get_decision_display()) if item.decision else "",
                }
                for item in Preservation.objects.filter(case=case).order_by("registered_on", "pk")
            ],
        },
    )
    letter = document_issue(
        kind=kinds.CRIMINAL_REFERRAL_LETTER if criminal else kinds.CASE_REFERRAL_LETTER,
        agency=referral.agency,
        by=by,
        case=case,
        context={
            **common,
            "addressee": referral.to_agency.name,
            "case_number": case.number,
            "subject_names": "、".join(s["name"] for s in facts["subjects"]),
            "totals": facts["totals"],
            "basis": CRIMINAL_BASIS if criminal else OTHER_BASIS,
            "report_number": report.number,
            "exhibit_list_number": exhibit_list.number,
            "evidence_count": len(evidence),
            "criminal": criminal,
            "copy_to": referral.procuratorate.name if referral.procuratorate_id else "",
            "contact": by.display_name,
        },
    )
    documents = [letter, report, exhibit_list]
    referral.documents.add(*documents)
    referral.letter = letter
    return documents


def receipt_issue(*, referral: Referral, by: User) -> Document:
    """The 回执, numbered by the receiving agency."""
    receipt = document_issue(
        kind=kinds.REFERRAL_RECEIPT,
        agency=referral.to_agency,
        by=by,
        case=referral.case,
        context={
            "sender": referral.agency.name,
            "letter_number": referral.letter.number if referral.letter_id else "",
            "letter_title": referral.letter.title if referral.letter_id else "",
            "evidence_count": referral.evidence.count(),
            "received_on": chinese_date(timezone.localdate()),
            "received_by": by.display_name,
            "criminal": referral.kind == Referral.Kind.CRIMINAL,
        },
    )
    referral.documents.add(receipt)
    return receipt
