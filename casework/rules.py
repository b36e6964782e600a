"""Deadlines and figures from the regulations, as data with their sources (domain.md §4)."""

from django.utils.translation import gettext_lazy as _

# 医疗保障行政处罚程序暂行规定 (NHSA Order 4, 2021): decide 立案 or not within 15 working days
# of receiving or discovering a lead.
CASE_DECISION_WORKING_DAYS = 15
CASE_DECISION_BASIS = "《医疗保障行政处罚程序暂行规定》（国家医保局令第4号）"

# 行政处罚法 Art.60 and Order 4: a penalty decision within 90 days of 立案.
PENALTY_DECISION_DAYS = 90
PENALTY_DECISION_BASIS = "《中华人民共和国行政处罚法》第六十条；国家医保局令第4号"

# 医疗保障基金使用监督管理举报处理暂行办法 (NHSA Order 5, 2022): tell a named reporter within
# 5 working days after the 立案 decision.
REPORTER_NOTICE_WORKING_DAYS = 5

# Every deadline a case can carry (casework.Deadline.step), with the label users see. Each step's
# rule and source live with the code that computes it (casework.penalty_rules, agreements.rules).
DEADLINE_STEPS = {
    "case_decision": _("Decide whether to open a case"),
    "penalty_decision": _("Penalty decision after opening"),
    # Penalty track (行政处罚法 Arts.45, 61, 64, 67; 行政强制法 Art.53)
    "statement": _("Statement and defence by the subject"),
    "hearing_request": _("Hearing request by the subject"),
    "hearing": _("Hearing"),
    "penalty_service": _("Serve the penalty decision"),
    "fine_payment": _("Pay the fine"),
    "enforcement_application": _("Apply to the court for enforcement"),
    # Agreement track (service agreement)
    "agreement_statement": _("Statement and defence on the breach notice"),
    "rectification": _("Rectify by"),
    # Referral (行政执法机关移送涉嫌犯罪案件的规定 Arts.5, 8, 9, 12)
    "referral_approval": _("Head decides on the transfer"),
    "referral_sending": _("Send the referral package"),
    "referral_filing_decision": _("Receiving agency decides whether to file"),
    "referral_reconsideration_request": _("Ask for reconsideration of the refusal"),
    "referral_reconsideration_answer": _("Answer the reconsideration"),
    "referral_supervision": _("Procuratorate decides on supervision"),
    "referral_handover": _("Hand over fines and evidence"),
}

# 行政处罚法 (2021) Art.56: evidence registered and preserved in advance (先行登记保存) is decided on
# within 7 days (calendar days: the law counts 日).
PRESERVATION_DECISION_DAYS = 7

# 行政处罚法 Arts.42 and 55: at least two enforcement officers investigate and collect evidence together.
MIN_EVIDENCE_COLLECTORS = 2

# 行政处罚法 (2021) Art.42: 执法人员不得少于两人 — a case is investigated by at least two officers.
MIN_INVESTIGATORS = 2
