"""The reporter's side of a report: finding it by receipt code and secret, its status in plain
words, the messages they may read, and writing to the agency.

Nothing here returns staff names, internal notes or other subjects of the lead.
"""

from django.utils.translation import gettext as _

from casework.models import Lead
from intake import attachments, codes, services
from intake.models import Report, ReportMessage

RECEIVED, NOT_OPENED, CASE_OPENED = "received", "not_opened", "case_opened"
STATUS_CODES = (RECEIVED, NOT_OPENED, CASE_OPENED)
# A notified reward as the reporter sees it (rewards.models.Reward.Status → public code).
REWARD_STATUS = {"claiming": "to_claim", "paying": "claimed", "paid": "paid", "forfeited": "forfeited"}


def report_by_code_and_secret(*, receipt_code: str, secret: str) -> Report | None:
    """The report with this code when the secret matches, else None.

    A malformed or unknown code costs the same password-hash work as a wrong secret, so
    timing tells a guesser nothing about which codes exist.
    """
    code = codes.normalise_receipt_code(receipt_code or "")
    report = Report.objects.select_related("lead").filter(receipt_code=code).first() if code else None
    if not codes.secret_matches(secret or "", report.secret_hash if report else None):
        return None
    return report


def public_status(report: Report) -> tuple[str, str]:
    """(code, wording) of where the report stands, as the reporter may be told it."""
    lead = services.decided_lead(report.lead)
    if lead.status == Lead.Status.DISMISSED:
        reason = lead.decision_reason.strip()
        if reason:
            return NOT_OPENED, _("Checked; the bureau decided not to open a case. Reason: %(reason)s") % {
                "reason": reason
            }
        return NOT_OPENED, _("Checked; the bureau decided not to open a case.")
    if lead.case_id and lead.status in (Lead.Status.OPENED, Lead.Status.MERGED):
        if lead.case.status == lead.case.Status.CLOSED:
            return CASE_OPENED, _("The case opened on your report has been concluded.")
        return CASE_OPENED, _("A case has been opened and is under investigation.")
    return RECEIVED, _("Received; the bureau is checking it.")


def public_reward(report: Report) -> dict | None:
    """The reward the reporter was told of (举报奖励): its public status, amount, claim deadline and
    payment date, and where to claim; None before the notice. Never a staff name or an identity."""
    from rewards.models import Reward

    reward = (
        Reward.objects.filter(report=report, notified_on__isnull=False)
        .select_related("agency")
        .only("status", "approved_amount", "claim_deadline", "paid_on", "agency__name")
        .first()
    )
    if reward is None:
        return None
    status = REWARD_STATUS.get(reward.status)
    if status is None:
        return None
    return {
        "status": status,
        "amount": reward.approved_amount,
        "claim_deadline": reward.claim_deadline,
        "paid_on": reward.paid_on,
        "agency": reward.agency.name,
    }


def public_messages(report: Report):
    """Messages between the reporter and the agency, oldest first (never notes, never authors)."""
    return report.messages.order_by("sent_at", "pk").only("sender", "body", "sent_at")


def reporter_write(*, report: Report, body: str, files=()) -> ReportMessage:
    """The reporter writes to the agency, optionally with attachments (checked before anything is written).

    Files alone are allowed: the message then says that attachments were added.
    """
    files = list(files)
    body = (body or "").strip()
    if not body and files:
        body = _("(Additional attachments.)")
    body = services.check_message_body(body)
    checked = attachments.check_uploads(files)
    try:
        return services.report_message_from_reporter(report=report, body=body, checked_files=checked)
    finally:
        attachments.discard(checked)
