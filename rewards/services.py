"""举报奖励 (domain.md §9): every step, from the eligibility review to the payment.

Each step checks the actor's object permission on the reward, locks its row and finishes the flow's
task under the flow's lock (workflows.tasks.complete_task): of two finance officers paying at once
exactly one succeeds, the other gets AlreadyDecided (409). The claimant's identity and the payee's
bank details are encrypted at rest; each read of them is written to the audit log.
"""

import datetime
from decimal import Decimal

from auditlog.signals import accessed
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, Lead, Violation
from casework.money import parse_yuan
from casework.penalty_rules import add_months
from casework.validation import required_text
from documents import kinds
from documents.formatting import chinese_date, yuan
from documents.services import document_issue, document_pdf_bytes
from intake.crypto import decrypt_fields, decrypt_identity, encrypt_fields
from intake.models import Report, ReportMessage
from intake.services import fact_lead_ids
from organisation.models import User
from organisation.services import grant_owner_access
from rewards import rules
from rewards.models import Reward
from workflows.reward import RewardFlow, pending_task
from workflows.tasks import complete_task

Status = Reward.Status
HANDLE, APPROVE = "rewards.change_reward", "rewards.approve_reward"
COLLECTIVE, PAY = "rewards.decide_reward_collectively", "rewards.pay_reward"
PAYMENT = "rewards.view_reward_payment"

# The eligibility criteria (医保办发〔2022〕22号 Art.5–6), each answered at the review.
CRITERIA = {
    "natural_person": gettext_lazy("The reporter is a natural person."),
    "specific_subject": gettext_lazy("The report names a specific subject and gives evidence or leads."),
    "not_known": gettext_lazy("The facts were not already known to the bureau before the report."),
    "verified": gettext_lazy("The facts were verified by the investigation."),
    "amount_or_stopped": gettext_lazy("An amount could be determined, or the violation was stopped."),
}
# Who is excluded (local rules, common): kept as data.
EXCLUSIONS = {
    "agency_staff": gettext_lazy("Staff of a medical-security or supervising agency"),
    "duty_to_report": gettext_lazy("A person whose duty was to report it (e.g. the institution's own auditor)"),
    "involved": gettext_lazy("A person involved in the violation"),
}
PAYMENT_FIELDS = ("payee", "bank", "account")


# ---------------------------------------------------------------------------------------------- helpers


def _require(user: User, perm: str, reward: Reward) -> None:
    if not user.has_perm(perm, reward):
        raise PermissionDenied


def _lock(reward: Reward) -> Reward:
    return Reward.objects.select_for_update().select_related("case__agency", "report__lead").get(pk=reward.pk)


def _step(reward: Reward, node, by: User, act) -> Reward:
    task = pending_task(reward, node)
    if task is None:
        raise AlreadyDecided()

    def wrapped(process) -> None:
        locked = _lock(reward)
        process.reward = locked
        act(locked)

    with transaction.atomic(), acting(by):
        complete_task(task, by, wrapped)
    return Reward.objects.with_related().get(pk=reward.pk)


def _tell_reporter(report: Report, body: str) -> None:
    """A message on the reporter's status page (shown without any staff name)."""
    ReportMessage.objects.create(report=report, sender=ReportMessage.Sender.AGENCY, body=body)


# ---------------------------------------------------------------------------------------------- start


def case_reports(case: Case):
    """Reports on the case's facts — every lead opened into or merged with it, and the leads merged into
    those — in order of receipt: the first valid one is rewarded."""
    lead_ids = []
    for lead in Lead.objects.filter(case=case):
        lead_ids += fact_lead_ids(lead)
    return Report.objects.filter(lead__in=lead_ids).select_related("lead").in_receipt_order()


def reward_due(case: Case) -> bool:
    """A case that began with a report and found a violation earns a reward review."""
    return (
        not Reward.objects.filter(case=case).exists()
        and case_reports(case).exists()
        and Violation.objects.filter(case=case).exists()
    )


def reward_start(*, case: Case, by: User | None) -> Reward:
    """Open the reward of a case for its first reporter; the reward handlers review eligibility.

    Called when a case that began with a report is closed with a verified violation (workflows.outcome),
    or by a reward handler by hand.
    """
    if by is not None and not by.has_perm("casework.view_case", case):
        raise PermissionDenied
    report = case_reports(case).first()
    if report is None:
        raise InvalidInput(errors={"case": [_("No report led to this case: there is no reporter to reward.")]})
    with transaction.atomic(), acting(by):
        if Reward.objects.select_for_update().filter(case=case).exists():
            raise InvalidTransition(_("The case's reward is already under way."))
        reward = Reward.objects.create(case=case, report=report, agency_id=case.agency_id)
        grant_owner_access([reward])
        RewardFlow.start.run(reward=reward)
    return reward


def reward_start_on_close(*, case: Case) -> Reward | None:
    """The closing of a case starts its reward when one is due (inside the closing transaction)."""
    return reward_start(case=case, by=None) if reward_due(case) else None


# ---------------------------------------------------------------------------------------------- review


def reward_review(*, reward: Reward, by: User, checks: dict, exclusion: str = "", reason: str = "") -> Reward:
    """Answer each criterion. All met and no exclusion: the amount is proposed next. Otherwise the reason
    is recorded and told to the reporter, and the next reporter of the same facts (if any) is reviewed."""
    _require(by, HANDLE, reward)
    answers = {key: bool(checks.get(key)) for key in CRITERIA}
    if exclusion and exclusion not in EXCLUSIONS:
        raise InvalidInput(errors={"exclusion": [_("Choose one of the exclusions listed.")]})
    eligible = all(answers.values()) and not exclusion
    if not eligible:
        reason = required_text(reason, "reason", _("Say why the reporter is not eligible; the reporter is told."))

    def act(locked: Reward) -> None:
        if locked.status != Status.REVIEWING:
            raise AlreadyDecided()
        now = timezone.now()
        locked.checks = {**answers, "exclusion": exclusion, "report": locked.report_id}
        locked.reviewed_by, locked.reviewed_at = by, now
        if eligible:
            locked.set_status(Status.PROPOSING)
            locked.ineligible_reason = ""
            locked.save()
            _tell_later_reporters(locked)
            return
        _tell_reporter(locked.report, _("Your report does not qualify for a reward: %(reason)s") % {"reason": reason})
        later = list(case_reports(locked.case).exclude(pk__in=_reviewed_reports(locked)))
        history = list(locked.checks.get("history", []))
        history.append({"report": locked.report_id, "reason": reason, "exclusion": exclusion})
        locked.checks["history"] = history
        if later:
            # The next reporter of the same facts in order of receipt is reviewed in turn.
            locked.report = later[0]
            locked.save()
            return
        locked.set_status(Status.INELIGIBLE)
        locked.ineligible_reason = reason
        locked.save()

    return _step(reward, RewardFlow.review, by, act)


def _reviewed_reports(reward: Reward) -> list[int]:
    return [entry["report"] for entry in reward.checks.get("history", [])] + [reward.report_id]


def _tell_later_reporters(reward: Reward) -> None:
    """Only the first valid reporter of the same facts is rewarded: the later ones are told why not."""
    reports = list(case_reports(reward.case))
    position = next(i for i, r in enumerate(reports) if r.pk == reward.report_id)
    for report in reports[position + 1 :]:
        _tell_reporter(
            report,
            _(
                "The same facts were reported earlier by another reporter; the reward goes only to the first "
                "valid reporter of the same facts (医保办发〔2022〕22号)."
            ),
        )


# ---------------------------------------------------------------------------------------------- amount and approval


def reward_calculation(reward: Reward, verified_amount: Decimal | None) -> rules.Calculation:
    return rules.calculate(rules.rule_for(reward.case.agency.region), verified_amount)


def verified_amount_of(case: Case) -> Decimal:
    """The case's verified amount (案值): the amounts of the violations found."""
    return Violation.objects.filter(case=case).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def reward_propose(
    *, reward: Reward, by: User, verified_amount, amount=None, reason: str = "", stopped: bool = False
) -> Reward:
    """Propose the amount by the rule; any other amount needs reasons (and goes to a collective decision
    when it lies outside the rule's bounds)."""
    _require(by, HANDLE, reward)
    verified = None if stopped else parse_yuan(verified_amount, field="verified_amount")
    calculation = reward_calculation(reward, verified)
    chosen = calculation.amount if amount in (None, "") else parse_yuan(amount, field="amount")
    reason = (reason or "").strip()
    if chosen != calculation.amount and not reason:
        raise InvalidInput(
            errors={
                "reason": [
                    _("The rule gives %(amount)s (%(low)s–%(high)s): give the reasons for another amount.")
                    % {
                        "amount": yuan(calculation.amount),
                        "low": yuan(calculation.low),
                        "high": yuan(calculation.high),
                    }
                ]
            }
        )

    def act(locked: Reward) -> None:
        if locked.status != Status.PROPOSING:
            raise AlreadyDecided()
        locked.set_status(Status.APPROVING)
        locked.verified_amount = verified
        locked.calculated_amount, locked.proposed_amount = calculation.amount, chosen
        locked.working = [str(step) for step in calculation.steps]
        locked.adjustment_reason = reason
        locked.proposed_by, locked.proposed_at = by, timezone.now()
        locked.save()

    return _step(reward, RewardFlow.propose, by, act)


def needs_collective_decision(reward: Reward) -> bool:
    rule = rules.rule_for(reward.case.agency.region)
    calculation = rules.calculate(rule, reward.verified_amount)
    amount = reward.proposed_amount or Decimal("0")
    return amount > rule.collective_threshold or not calculation.low <= amount <= calculation.high


def reward_approve(*, reward: Reward, by: User, decision: str, note: str = "") -> Reward:
    """The section head: approve (to the collective decision above the threshold), send back to the
    proposal, or refuse; the last two need reasons."""
    _require(by, APPROVE, reward)
    if decision not in ("approve", "revise", "refuse"):
        raise InvalidInput(errors={"decision": [_("Choose approve, revise or refuse.")]})
    note = (note or "").strip() if decision == "approve" else required_text(note, "note", _("Give the reasons."))

    def act(locked: Reward) -> None:
        if locked.status != Status.APPROVING:
            raise AlreadyDecided()
        locked.approval_note, locked.approved_by, locked.approved_at = note, by, timezone.now()
        if decision == "approve" and needs_collective_decision(locked):
            locked.set_status(Status.COLLECTIVE)
        else:
            _decided(locked, by, decision)
        locked.save()

    return _step(reward, RewardFlow.approve, by, act)


def reward_collective_decide(*, reward: Reward, by: User, decision: str, note: str) -> Reward:
    """集体研究: the head records the leadership's decision on a reward above the threshold."""
    _require(by, COLLECTIVE, reward)
    if decision not in ("approve", "revise", "refuse"):
        raise InvalidInput(errors={"decision": [_("Choose approve, revise or refuse.")]})
    note = required_text(note, "note", _("Record the collective decision and who took part."))

    def act(locked: Reward) -> None:
        if locked.status != Status.COLLECTIVE:
            raise AlreadyDecided()
        locked.collective_note = note
        _decided(locked, by, decision)
        locked.save()

    return _step(reward, RewardFlow.collective, by, act)


def _decided(locked: Reward, by: User, decision: str) -> None:
    if decision == "revise":
        locked.set_status(Status.PROPOSING)
        return
    if decision == "refuse":
        locked.set_status(Status.REJECTED)
        return
    locked.set_status(Status.NOTIFYING)
    locked.approved_amount = locked.proposed_amount
    locked.decision = document_issue(
        kind=kinds.REWARD_DECISION,
        agency=locked.case.agency,
        by=by,
        case=locked.case,
        lead=locked.report.lead,
        context=_decision_context(locked, by),
    )


def _decision_context(reward: Reward, by: User) -> dict:
    report = reward.report
    identity = decrypt_identity(report.identity_token) if not report.anonymous else {}
    return {
        "case_number": reward.case.number,
        "subject_name": report.subject_name,
        "receipt_code": report.receipt_code,
        "received_on": chinese_date(timezone.localdate(report.lead.received_at)),
        "reporter": identity.get("name") or f"匿名举报人（查询码 {report.receipt_code}）",
        "verified_amount": yuan(reward.verified_amount) if reward.verified_amount else "",
        "amount": yuan(reward.approved_amount),
        "working": reward.working,
        "adjustment_reason": reward.adjustment_reason,
        "collective_note": reward.collective_note,
        "approved_by": reward.approved_by.display_name if reward.approved_by_id else by.display_name,
        "basis": rules.rule_for(reward.case.agency.region).basis,
    }


# ---------------------------------------------------------------------------------------------- notice and claim


def reward_notify(*, reward: Reward, by: User, channel: str) -> Reward:
    """Tell the reporter: a named reporter gets the numbered 领奖通知书 (e-mailed when they gave an address
    and e-mail is chosen); an anonymous reporter sees the notice on the status page. The claim window opens."""
    _require(by, HANDLE, reward)
    anonymous = reward.report.anonymous
    if anonymous:
        channel = Reward.NoticeChannel.STATUS_PAGE
    elif channel not in Reward.NoticeChannel.values or channel == Reward.NoticeChannel.STATUS_PAGE:
        raise InvalidInput(errors={"channel": [_("Choose how the named reporter was told.")]})
    identity = {} if anonymous else decrypt_identity(reward.report.identity_token)
    if channel == Reward.NoticeChannel.EMAIL and not identity.get("email"):
        raise InvalidInput(errors={"channel": [_("The reporter gave no e-mail address.")]})

    def act(locked: Reward) -> None:
        if locked.status != Status.NOTIFYING:
            raise AlreadyDecided()
        today = timezone.localdate()
        rule = rules.rule_for(locked.case.agency.region)
        locked.set_status(Status.CLAIMING)
        locked.notice_channel, locked.notified_on = channel, today
        locked.claim_deadline = add_months(today, rule.claim_months)
        context = {
            "addressee": identity.get("name", "")
            or _("Reporter (receipt code %(code)s)") % {"code": locked.report.receipt_code},
            "receipt_code": locked.report.receipt_code,
            "received_on": chinese_date(timezone.localdate(locked.report.lead.received_at)),
            "subject_name": locked.report.subject_name,
            "amount": yuan(locked.approved_amount),
            "decision_number": locked.decision.number if locked.decision_id else "",
            "claim_deadline": chinese_date(locked.claim_deadline),
            "anonymous": anonymous,
            "address": locked.agency.name,
        }
        if not anonymous:
            accessed.send(sender=Report, instance=locked.report)
            locked.notice = document_issue(
                kind=kinds.REWARD_CLAIM_NOTICE,
                agency=locked.agency,
                by=by,
                case=locked.case,
                lead=locked.report.lead,
                context=context,
            )
        locked.save()
        _tell_reporter(
            locked.report,
            _(
                "Your report has been verified and a reward of %(amount)s was approved. Claim it by %(deadline)s "
                "at %(agency)s with your receipt code and your identity card; after that date it is forfeited."
            )
            % {"amount": yuan(locked.approved_amount), "deadline": locked.claim_deadline, "agency": locked.agency.name},
        )
        if channel == Reward.NoticeChannel.EMAIL:
            notice_id, address = locked.notice_id, identity["email"]
            transaction.on_commit(lambda: _email_notice(notice_id, address))

    return _step(reward, RewardFlow.notify, by, act)


def _email_notice(notice_id: int, address: str) -> None:
    from documents.models import Document

    notice = Document.objects.get(pk=notice_id)
    message = EmailMessage(
        subject=f"{notice.title} {notice.number}",
        body=_("Please find attached the notice of your reporting reward (%(number)s).") % {"number": notice.number},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    message.attach(f"{notice.number}.pdf", document_pdf_bytes(document=notice), "application/pdf")
    message.send(fail_silently=False)


def reward_claim(
    *, reward: Reward, by: User, identity_check: str, payment: dict, claimant: dict | None = None
) -> Reward:
    """The reporter claims within the window: the handler records the identity check and the payee's bank
    details; an anonymous reporter identifies themselves here, to the reward handler only."""
    from intake.submission import check_reporter

    _require(by, HANDLE, reward)
    errors: dict = {}
    today = timezone.localdate()
    if reward.claim_deadline and today > reward.claim_deadline:
        raise InvalidTransition(
            _("The claim window closed on %(date)s: the reward is forfeited.") % {"date": reward.claim_deadline}
        )
    if not (identity_check or "").strip():
        errors["identity_check"] = [_("Record how the claimant's identity was checked.")]
    payment = {key: str((payment or {}).get(key) or "").strip() for key in PAYMENT_FIELDS}
    for key in PAYMENT_FIELDS:
        if not payment[key]:
            errors[f"payment.{key}"] = [_("This field is required.")]
    identity = {}
    if reward.report.anonymous:
        identity = check_reporter(claimant, errors)
        if not identity.get("id_number"):
            errors["reporter.id_number"] = [_("An anonymous reporter who claims gives their ID number.")]
    if errors:
        raise InvalidInput(errors=errors)

    def act(locked: Reward) -> None:
        if locked.status != Status.CLAIMING:
            raise AlreadyDecided()
        if locked.claim_deadline and timezone.localdate() > locked.claim_deadline:
            raise InvalidTransition(_("The claim window closed on %(date)s.") % {"date": locked.claim_deadline})
        locked.set_status(Status.PAYING)
        locked.claimed_on = timezone.localdate()
        locked.identity_check, locked.claim_checked_by = identity_check.strip(), by
        locked.claimant_token = encrypt_fields(identity) if identity else ""
        locked.payment_token = encrypt_fields(payment)
        locked.save()

    return _step(reward, RewardFlow.claim, by, act)


def rewards_forfeit_expired(*, today: datetime.date | None = None) -> int:
    """The timer: rewards not claimed by their deadline are forfeited (run with the deadline reminders)."""
    today = today or timezone.localdate()
    count = 0
    for reward in Reward.objects.claim_expired(today).select_related("reviewed_by"):
        task = pending_task(reward, RewardFlow.claim)
        if task is None:
            continue
        # Recorded on the reward as the handler who ran it; the audit log shows no acting user.
        handler = reward.reviewed_by

        def act(process, reward=reward) -> None:
            locked = _lock(reward)
            if locked.status != Status.CLAIMING or locked.claim_deadline >= today:
                raise AlreadyDecided()
            locked.set_status(Status.FORFEITED)
            locked.forfeited_on = today
            locked.save(update_fields=["status", "forfeited_on"])
            _tell_reporter(
                locked.report,
                _("The reward was not claimed by %(date)s and is forfeited.") % {"date": locked.claim_deadline},
            )

        try:
            with transaction.atomic(), acting(None):
                complete_task(task, handler, act)
        except AlreadyDecided:
            continue
        count += 1
    return count


# ---------------------------------------------------------------------------------------------- payment


def reward_pay(*, reward: Reward, by: User, paid_on: datetime.date | None, voucher_no: str) -> Reward:
    """Finance pays, once: the voucher number and date are recorded and the reporter is told."""
    _require(by, PAY, reward)
    errors: dict = {}
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        errors["voucher_no"] = [_("Give the payment voucher number.")]
    elif len(voucher_no) > 60:
        errors["voucher_no"] = [_("At most %(count)d characters.") % {"count": 60}]
    if paid_on is None:
        errors["paid_on"] = [_("Give the date of payment.")]
    elif paid_on > timezone.localdate():
        errors["paid_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise InvalidInput(errors=errors)

    def act(locked: Reward) -> None:
        if locked.status != Status.PAYING:
            raise AlreadyDecided(_("This reward has already been paid."))
        if locked.claimed_on and paid_on < locked.claimed_on:
            raise InvalidInput(errors={"paid_on": [_("The payment cannot precede the claim.")]})
        locked.set_status(Status.PAID)
        locked.paid_on, locked.voucher_no, locked.paid_by = paid_on, voucher_no, by
        locked.save(update_fields=["status", "paid_on", "voucher_no", "paid_by"])
        _tell_reporter(
            locked.report, _("Your reward of %(amount)s has been paid.") % {"amount": yuan(locked.approved_amount)}
        )

    return _step(reward, RewardFlow.pay, by, act)


# ---------------------------------------------------------------------------------------------- confidential reads


def reward_payment_details(*, reward: Reward, by: User) -> dict:
    """The payee's bank details: finance and the reward handlers only; each read is audit-logged."""
    if not (by.has_perm(PAYMENT, reward) or by.has_perm(HANDLE, reward)):
        raise PermissionDenied
    details = decrypt_fields(reward.payment_token)
    with acting(by):
        accessed.send(sender=Reward, instance=reward)
    return details


def reward_claimant(*, reward: Reward, by: User) -> dict:
    """Who claimed: the named reporter's identity, or what an anonymous claimant gave; reward handlers only,
    each read audit-logged."""
    if not by.has_perm(HANDLE, reward):
        raise PermissionDenied
    report = reward.report
    identity = (
        decrypt_fields(reward.claimant_token) if reward.claimant_token else decrypt_identity(report.identity_token)
    )
    with acting(by):
        accessed.send(sender=Reward, instance=reward)
        if not report.anonymous:
            accessed.send(sender=Report, instance=report)
    return identity
