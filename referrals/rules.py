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
