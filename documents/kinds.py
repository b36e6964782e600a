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
# Outcome and closing (the section head).
CASE_CLOSING_REPORT = DocumentKind("case_closing_report", "结案报告", "结报", "documents/case_closing_report.html")
# Agreement track (协议处理, the handling agency).
BREACH_NOTICE = DocumentKind("breach_notice", "违约处理通知书", "违约通", "documents/breach_notice.html")
# Penalty track (行政处罚, domain.md §6 and §13).
PENALTY_PRIOR_NOTICE = DocumentKind(
    "penalty_prior_notice", "行政处罚事先告知书", "罚告", "documents/penalty_prior_notice.html"
)
HEARING_NOTICE = DocumentKind("hearing_notice", "听证通知书", "听通", "documents/hearing_notice.html")
HEARING_RECORD = DocumentKind("hearing_record", "听证笔录", "听录", "documents/hearing_record.html")
LEGAL_REVIEW_OPINION = DocumentKind(
    "legal_review_opinion", "法制审核意见书", "法审", "documents/legal_review_opinion.html"
)
COLLECTIVE_DISCUSSION_RECORD = DocumentKind(
    "collective_discussion_record", "集体讨论记录", "集讨", "documents/collective_discussion_record.html"
)
PENALTY_DECISION = DocumentKind("penalty_decision", "行政处罚决定书", "罚决", "documents/penalty_decision.html")
SUMMARY_PENALTY_DECISION = DocumentKind(
    "summary_penalty_decision", "当场行政处罚决定书", "当罚决", "documents/summary_penalty_decision.html"
)
SERVICE_RECEIPT = DocumentKind("service_receipt", "送达回证", "送证", "documents/service_receipt.html")
PAYMENT_REMINDER = DocumentKind("payment_reminder", "催告书", "催告", "documents/payment_reminder.html")
ENFORCEMENT_APPLICATION = DocumentKind(
    "enforcement_application", "强制执行申请书", "强执申", "documents/enforcement_application.html"
)
EXTENSION_APPROVAL = DocumentKind(
    "extension_approval", "延长办案期限审批表", "延审", "documents/extension_approval.html"
)
# 先行登记保存 (行政处罚法 Art.56): the notice to the party whose items are registered and kept.
PRESERVATION_NOTICE = DocumentKind(
    "preservation_notice", "先行登记保存通知书", "先保", "documents/preservation_notice.html"
)
# Statistics (domain.md §12): the Liyang forms as issued, numbered tables.
STATS_RESULTS_TABLE = DocumentKind(
    "stats_results_table", "医保基金监管处理结果统计表", "统结", "documents/stats_results_table.html"
)
STATS_VIOLATIONS_TABLE = DocumentKind(
    "stats_violations_table", "医保基金违规行为统计表", "统违", "documents/stats_violations_table.html"
)
# 专项行动 (issue 9): the closing report of a special action, with its 附件2/附件3 for the action's period.
SPECIAL_ACTION_REPORT = DocumentKind(
    "special_action_report", "专项行动工作总结", "专总", "documents/special_action_report.html"
)
# Referral (移送, domain.md §7): the package the bureau sends, and the receipt the receiving agency signs.
CRIMINAL_REFERRAL_LETTER = DocumentKind(
    "criminal_referral_letter", "涉嫌犯罪案件移送书", "刑移", "documents/referral_letter.html"
)
CASE_REFERRAL_LETTER = DocumentKind("case_referral_letter", "案件移送书", "移", "documents/referral_letter.html")
REFERRAL_REPORT = DocumentKind("referral_report", "案件调查报告", "移调", "documents/referral_report.html")
EXHIBIT_LIST = DocumentKind("exhibit_list", "涉案物品清单", "物清", "documents/exhibit_list.html")
REFERRAL_RECEIPT = DocumentKind("referral_receipt", "移送案件回执", "移回", "documents/referral_receipt.html")
# 举报奖励 (rewards): they name the reporter, so they are confidential like the notices above.
REWARD_DECISION = DocumentKind("reward_decision", "举报奖励决定书", "奖决", "documents/reward_decision.html")
REWARD_CLAIM_NOTICE = DocumentKind("reward_claim_notice", "领奖通知书", "领通", "documents/reward_claim_notice.html")
CONFIDENTIAL_KIND_CODES = (
    REPORT_ACCEPTANCE_NOTICE.code,
    REPORT_RESULT_NOTICE.code,
    REWARD_DECISION.code,
    REWARD_CLAIM_NOTICE.code,
)

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
        CASE_CLOSING_REPORT,
        BREACH_NOTICE,
        PENALTY_PRIOR_NOTICE,
        HEARING_NOTICE,
        HEARING_RECORD,
        LEGAL_REVIEW_OPINION,
        COLLECTIVE_DISCUSSION_RECORD,
        PENALTY_DECISION,
        SUMMARY_PENALTY_DECISION,
        SERVICE_RECEIPT,
        PAYMENT_REMINDER,
        ENFORCEMENT_APPLICATION,
        EXTENSION_APPROVAL,
        CRIMINAL_REFERRAL_LETTER,
        CASE_REFERRAL_LETTER,
        REFERRAL_REPORT,
        EXHIBIT_LIST,
        REFERRAL_RECEIPT,
        REWARD_DECISION,
        REWARD_CLAIM_NOTICE,
        PRESERVATION_NOTICE,
        STATS_RESULTS_TABLE,
        STATS_VIOLATIONS_TABLE,
        SPECIAL_ACTION_REPORT,
    )
}
KIND_CHOICES = [(kind.code, kind.title) for kind in KINDS.values()]


def kind_by_code(code: str) -> DocumentKind:
    return KINDS[code]


def format_number(*, prefix: str, abbreviation: str, year: int, sequence: int) -> str:
    """连医保立〔2026〕3号: agency prefix, kind, year in 〔〕, sequence, 号."""
    return f"{prefix}{abbreviation}〔{year}〕{sequence}号"
