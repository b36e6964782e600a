"""The registry of document kinds (文书, domain.md §13): title, number abbreviation, template."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    # The kind part of the number: 连医保<abbreviation>〔2026〕3号.
    abbreviation: str
    template: str


CASE_OPENING_FORM = DocumentKind("case_opening_form", "立案审批表", "立审", "documents/case_opening_form.html")
NON_OPENING_NOTICE = DocumentKind("non_opening_notice", "不予立案告知书", "不立告", "documents/non_opening_notice.html")

# Addressed to a named reporter: they carry the reporter's identity (条例 Art.35), so only holders of
# casework.view_reporter_identity on the lead see them.
REPORT_ACCEPTANCE_NOTICE = DocumentKind(
    "report_acceptance_notice", "举报受理告知书", "举受告", "documents/report_acceptance_notice.html"
)
REPORT_RESULT_NOTICE = DocumentKind(
    "report_result_notice", "举报处理结果告知书", "举结告", "documents/report_result_notice.html"
)
# Investigation records (调查取证): numbered when issued, registered as the case's evidence.
INTERVIEW_RECORD = DocumentKind("interview_record", "询问笔录", "询录", "documents/interview_record.html")
INSPECTION_RECORD = DocumentKind("inspection_record", "现场检查笔录", "检录", "documents/inspection_record.html")
# The officers' report at the end of the investigation, approved by the section head.
INVESTIGATION_REPORT = DocumentKind(
    "investigation_report", "调查终结报告", "调终", "documents/investigation_report.html"
)
CONFIDENTIAL_KIND_CODES = (REPORT_ACCEPTANCE_NOTICE.code, REPORT_RESULT_NOTICE.code)

KINDS: dict[str, DocumentKind] = {
    kind.code: kind
    for kind in (
        CASE_OPENING_FORM,
        NON_OPENING_NOTICE,
        REPORT_ACCEPTANCE_NOTICE,
        REPORT_RESULT_NOTICE,
        INTERVIEW_RECORD,
        INSPECTION_RECORD,
        INVESTIGATION_REPORT,
    )
}
KIND_CHOICES = [(kind.code, kind.title) for kind in KINDS.values()]


def kind_by_code(code: str) -> DocumentKind:
    return KINDS[code]


def format_number(*, prefix: str, abbreviation: str, year: int, sequence: int) -> str:
    """连医保立〔2026〕3号: agency prefix, kind, year in 〔〕, sequence, 号."""
    return f"{prefix}{abbreviation}〔{year}〕{sequence}号"
