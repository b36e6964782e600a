"""Referral deadlines (domain.md §4), as data with their sources.

行政执法机关移送涉嫌犯罪案件的规定 (State Council, revised 2020).
"""

# Art.5: the head decides whether to transfer within 3 days of the officers' report.
HEAD_DECISION_DAYS = 3
# Art.5: the package is sent within 24 hours of the decision to transfer.
SEND_WITHIN_HOURS = 24
# Art.8: police decide whether to file within 3 days of receipt.
POLICE_FILING_DAYS = 3
# Art.9: the agency may ask for reconsideration within 3 days; police answer within 3 days.
RECONSIDERATION_REQUEST_DAYS = 3
RECONSIDERATION_ANSWER_DAYS = 3
# Art.12: fines and evidence handed over within 3 days of acceptance.
HANDOVER_DAYS = 3
# SPP rules on 立案监督: the procuratorate decides (default 7 days, set per region).
PROCURATORATE_DECISION_DAYS_DEFAULT = 7
# 公安机关办理刑事案件程序规定 Art.180 (after 刑事诉讼法 Art.113): the police file within 15 days of the
# procuratorate's notice to do so.
FILING_AFTER_SUPERVISION_DAYS = 15

BASIS = "《行政执法机关移送涉嫌犯罪案件的规定》第五条"
BASIS_FILING = "《行政执法机关移送涉嫌犯罪案件的规定》第八条"
BASIS_RECONSIDERATION = "《行政执法机关移送涉嫌犯罪案件的规定》第九条"
BASIS_HANDOVER = "《行政执法机关移送涉嫌犯罪案件的规定》第十二条"
BASIS_SUPERVISION = "《人民检察院刑事诉讼规则》第五百五十七条；《刑事诉讼法》第一百一十三条"

# The case deadlines (casework.Deadline.step) a referral sets; the sender's hand-over outlives the referral.
DEADLINE_STEPS = (
    "referral_approval",
    "referral_sending",
    "referral_filing_decision",
    "referral_reconsideration_request",
    "referral_reconsideration_answer",
    "referral_supervision",
)
# Deadlines the receiving agency (or the procuratorate, for supervision) must meet; the rest are the bureau's.
RECEIVER_STEPS = ("referral_filing_decision", "referral_reconsideration_answer")


def procuratorate_decision_days() -> int:
    """Days the procuratorate takes to decide on supervision; REFERRAL_PROCURATORATE_DECISION_DAYS sets it."""
    from django.conf import settings

    return int(getattr(settings, "REFERRAL_PROCURATORATE_DECISION_DAYS", PROCURATORATE_DECISION_DAYS_DEFAULT))
