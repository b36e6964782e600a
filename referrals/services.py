"""移送 (domain.md §7, 行政执法机关移送涉嫌犯罪案件的规定): every step on both sides.

Each step checks the actor's object permission on the referral, locks the referral row and finishes
the flow's task under its process lock (workflows.tasks.complete_task): of two liaisons deciding at
once exactly one wins, the other gets AlreadyDecided (409). Deadlines are stored on the case
(casework.Deadline, ref "referral:<id>") and closed by the step that meets them.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.deadlines import add_days
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, Deadline, Evidence, Subject
from casework.validation import MAX_TEXT, check_text, required_text
from config.live import notify_users
from organisation.models import Agency, User
from organisation.roles import Role
from organisation.services import agency_user_ids, grant_owner_access
from referrals import access, rules
from referrals.models import Referral, ReferralEvent, ReferralGround, ReferralOutcome
from workflows.referral import ReferralFlow, pending_task
from workflows.tasks import complete_task

Status = Referral.Status
Event = ReferralEvent.Kind

# The kind of referral each receiving agency kind takes (domain.md §7).
KIND_OF_AGENCY = {
    Agency.Kind.POLICE: Referral.Kind.CRIMINAL,
    Agency.Kind.DISCIPLINE: Referral.Kind.DISCIPLINE,
    Agency.Kind.HEALTH: Referral.Kind.HEALTH,
    Agency.Kind.MARKET: Referral.Kind.MARKET,
}
SEND, APPROVE = "referrals.change_referral", "referrals.approve_referral"
HANDLE, SUPERVISE = "referrals.handle_referral", "referrals.supervise_referral"


# ---------------------------------------------------------------------------------------------- helpers


def _require(user: User, perm: str, referral: Referral) -> None:
    if not user.has_perm(perm, referral):
        raise PermissionDenied


def _raise(errors: dict) -> None:
    if errors:
        raise InvalidInput(errors=errors)


def _event(referral: Referral, kind: str, by: User | None, *, agency: Agency | None = None, note="", **extra):
    ReferralEvent.objects.create(
        referral=referral, kind=kind, by=by, agency=agency or by.agency, note=note[:MAX_TEXT], **extra
    )


def _deadline(referral: Referral, step: str, due: datetime.date, basis: str) -> None:
    Deadline.objects.update_or_create(
        case_id=referral.case_id,
        step=step,
        ref=referral.deadline_ref,
        defaults={"due": due, "basis": basis, "closed_on": None},
    )


def _close_deadlines(referral: Referral, *steps: str) -> None:
    Deadline.objects.filter(
        case_id=referral.case_id, ref=referral.deadline_ref, step__in=steps, closed_on__isnull=True
    ).update(closed_on=timezone.localdate())


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().select_related("case", "agency", "to_agency").get(pk=referral.pk)


def _step(referral: Referral, node, by: User, act) -> Referral:
    """Finish the referral's open task at node as `by`, running act(locked referral) first."""
    task = pending_task(referral, node)
    if task is None:
        raise AlreadyDecided()

    def wrapped(process) -> None:
        locked = _lock(referral)
        process.referral = locked
        act(locked)

    with transaction.atomic(), acting(by):
        complete_task(task, by, wrapped)
        after_step(referral=referral, by=by)
    return Referral.objects.with_related().get(pk=referral.pk)


def after_step(*, referral: Referral, by: User | None) -> None:
    """When the case's last referral has ended, tell the outcome flow (its referral branch waits)."""
    from workflows.outcome import track_done

    if not Referral.objects.filter(case_id=referral.case_id).open().exists():
        track_done(case=Case.objects.get(pk=referral.case_id), kind="referral", by=by)


def _notify_receiver(referral: Referral, agency_id: int, title: str) -> None:
    notify_users(
        agency_user_ids(agency_id, [Role.LIAISON]),
        event_type="referral.received",
        id=referral.pk,
        title=title,
        url=reverse("referral-detail", args=[referral.pk]),
    )


def _notify_sender(referral: Referral, title: str) -> None:
    """The bureau's people on the referral hear what the receiving agency did."""
    users = set(agency_user_ids(referral.agency_id, [Role.SECTION_HEAD, Role.DIRECTOR]))
    users.update(pk for pk in (referral.reported_by_id, referral.sent_by_id) if pk)
    notify_users(
        users,
        event_type="referral.received",
        id=referral.pk,
        title=title,
        url=reverse("referral-detail", args=[referral.pk]),
    )


def _label(referral: Referral) -> str:
    return referral.number or referral.case.number


# ---------------------------------------------------------------------------------------------- sender


def receiving_agencies(case: Case):
    """Partner agencies of the case's region a referral may go to."""
    return Agency.objects.filter(region_id=case.agency.region_id, kind__in=list(KIND_OF_AGENCY)).order_by("kind")


def procuratorate_of(agency: Agency) -> Agency | None:
    return Agency.objects.filter(region_id=agency.region_id, kind=Agency.Kind.PROCURATORATE).order_by("pk").first()


def referral_start(*, case: Case, to_agency: Agency, grounds: str, by: User) -> Referral:
    """Open a referral of the case (the outcome decision, inside its transaction): the officers prepare it."""
    if not by.has_perm("casework.decide_case", case):
        raise PermissionDenied
    kind = KIND_OF_AGENCY.get(to_agency.kind)
    if kind is None:
        raise InvalidInput(errors={"referral_agencies": [_("Refer to the police, 纪委监委, 卫健 or 市场监管.")]})
    with transaction.atomic(), acting(by):
        referral = Referral.objects.create(
            case=case,
            agency_id=case.agency_id,
            kind=kind,
            to_agency=to_agency,
            procuratorate=procuratorate_of(to_agency) if kind == Referral.Kind.CRIMINAL else None,
            decision_grounds=(grounds or "").strip(),
            created_by=by,
        )
        grant_owner_access([referral])
        ReferralFlow.start.run(referral=referral)
    return referral


def grounds_for(referral: Referral):
    return ReferralGround.objects.filter(active=True, agency_kind=referral.to_agency.kind)


def referral_report(
    *, referral: Referral, by: User, grounds: Sequence[ReferralGround], facts: str, evidence: Sequence[Evidence]
) -> Referral:
    """The officers' report: 移送情形, the facts of the suspected offence and the evidence to transfer."""
    _require(by, SEND, referral)
    errors: dict = {}
    allowed = set(grounds_for(referral).values_list("pk", flat=True))
    if not grounds:
        errors["grounds"] = [_("Choose at least one ground for the referral.")]
    elif any(ground.pk not in allowed for ground in grounds):
        errors["grounds"] = [_("Choose grounds that fit the receiving agency.")]
    facts = check_text(facts, "facts", _("State the facts of the suspected offence."), errors)
    if any(item.case_id != referral.case_id for item in evidence):
        errors["evidence"] = [_("Choose evidence of this case.")]
    _raise(errors)

    def act(locked: Referral) -> None:
        now = timezone.now()
        locked.set_status(Status.APPROVING)
        locked.facts, locked.reported_by, locked.reported_at = facts, by, now
        locked.save(update_fields=["status", "facts", "reported_by", "reported_at"])
        locked.grounds.set(grounds)
        locked.evidence.set(evidence)
        _deadline(locked, "referral_approval", add_days(timezone.localdate(now), rules.HEAD_DECISION_DAYS), rules.BASIS)
        _event(locked, Event.REPORTED, by)

    return _step(referral, ReferralFlow.prepare, by, act)


def referral_approve(*, referral: Referral, by: User, approve: bool, note: str = "") -> Referral:
    """The head's decision on the transfer; declining needs reasons and ends the referral."""
    _require(by, APPROVE, referral)
    errors: dict = {}
    note = (note or "").strip()
    if not approve:
        note = check_text(note, "note", _("Give the reasons for not transferring the case."), errors)
    _raise(errors)

    def act(locked: Referral) -> None:
        now = timezone.now()
        locked.set_status(Status.SENDING if approve else Status.DECLINED)
        locked.approval_note, locked.approved_by, locked.approved_at = note, by, now
        fields = ["status", "approval_note", "approved_by", "approved_at"]
        if not approve:
            locked.conclusion, locked.concluded_at = note, now
            fields += ["conclusion", "concluded_at"]
        locked.save(update_fields=fields)
        _close_deadlines(locked, "referral_approval")
        if approve:
            due = timezone.localdate(now + datetime.timedelta(hours=rules.SEND_WITHIN_HOURS))
            _deadline(locked, "referral_sending", due, rules.BASIS)
        _event(locked, Event.APPROVED if approve else Event.DECLINED, by, note=note)

    return _step(referral, ReferralFlow.approve, by, act)


def referral_send(*, referral: Referral, by: User) -> Referral:
    """Issue the package (移送书, 调查报告, 涉案物品清单) and send it; the receiving agency's liaisons
    (and, for the police, the procuratorate's, who get a copy) see it from now on."""
    from referrals.package import package_issue

    _require(by, SEND, referral)

    def act(locked: Referral) -> None:
        locked.set_status(Status.AWAITING_RECEIPT)
        locked.sent_by, locked.sent_at = by, timezone.now()
        package_issue(referral=locked, by=by)
        locked.save(update_fields=["status", "sent_by", "sent_at", "letter"])
        _close_deadlines(locked, "referral_sending")
        access.grant_receiver_access(locked, locked.to_agency)
        if locked.procuratorate_id:
            access.grant_procuratorate_access(locked)
        _event(locked, Event.SENT, by, agency=locked.agency, note=locked.to_agency.name)
        title = _("Referral received: %(number)s from %(agency)s") % {
            "number": locked.letter.number,
            "agency": locked.agency.name,
        }
        _notify_receiver(locked, locked.to_agency_id, title)
        if locked.procuratorate_id:
            _notify_receiver(locked, locked.procuratorate_id, title)

    sent = _step(referral, ReferralFlow.send, by, act)
    # A criminal referral makes the case a major case, reported to the superior bureau (要情报送).
    from assists.services import major_case_check

    major_case_check(sent.case)
    return sent


def referral_handover(*, referral: Referral, by: User, on: datetime.date | None) -> Referral:
    """Art.12: the bureau records that fines and evidence were handed over to the police."""
    _require(by, SEND, referral)
    errors: dict = {}
    if on is None:
        errors["on"] = [_("Give the date of the hand-over.")]
    elif on > timezone.localdate():
        errors["on"] = [_("The date cannot be in the future.")]
    _raise(errors)
    with transaction.atomic(), acting(by):
        locked = _lock(referral)
        if locked.status not in (Status.ACCEPTED, Status.CONCLUDED) or locked.decided_at is None:
            raise InvalidTransition(_("Fines and evidence are handed over once the police have accepted the case."))
        if locked.handed_over_on is not None:
            raise AlreadyDecided()
        if on < timezone.localdate(locked.decided_at):
            raise InvalidInput(errors={"on": [_("The hand-over cannot precede the acceptance.")]})
        locked.handed_over_on = on
        locked.save(update_fields=["handed_over_on"])
        _close_deadlines(locked, "referral_handover")
        _event(locked, Event.HANDED_OVER, by)
    return locked


# ---------------------------------------------------------------------------------------------- receiver


def referral_receipt(*, referral: Referral, by: User) -> Referral:
    """Sign the 回执 (a numbered document of the receiving agency). Signing again changes nothing."""
    from referrals.package import receipt_issue

    _require(by, HANDLE, referral)
    task = pending_task(referral, ReferralFlow.receipt)
    if task is None:
        if referral.received_at is not None:
            return referral  # already signed: idempotent
        raise InvalidTransition(_("This referral is not waiting for a receipt."))

    def act(locked: Referral) -> None:
        now = timezone.now()
        locked.set_status(Status.RECEIVED)
        locked.received_by, locked.received_at = by, now
        locked.receipt = receipt_issue(referral=locked, by=by)
        locked.save(update_fields=["status", "received_by", "received_at", "receipt"])
        if locked.kind == Referral.Kind.CRIMINAL:
            _deadline(
                locked,
                "referral_filing_decision",
                add_days(timezone.localdate(now), rules.POLICE_FILING_DAYS),
                rules.BASIS_FILING,
            )
        _event(locked, Event.RECEIVED, by, note=locked.receipt.number)

    try:
        return _step(referral, ReferralFlow.receipt, by, act)
    except AlreadyDecided:
        referral.refresh_from_db()
        if referral.received_at is not None:
            return referral  # signed at the same moment by a colleague
        raise


def _ensure_received(referral: Referral, by: User) -> None:
    """Deciding implies having received: sign the receipt first if nobody has."""
    if pending_task(referral, ReferralFlow.receipt) is not None:
        referral_receipt(referral=referral, by=by)


def _check_deciding(referral: Referral) -> None:
    referral.refresh_from_db(fields=["status"])
    if referral.status not in (Status.AWAITING_RECEIPT, Status.RECEIVED):
        raise AlreadyDecided(_("This referral has already been decided."))


def referral_accept(*, referral: Referral, by: User, reference: str, note: str = "") -> Referral:
    """立案/受理, with the receiving agency's own case number."""
    _require(by, HANDLE, referral)
    errors: dict = {}
    reference = check_text(reference, "reference", _("Give your agency's case number."), errors)[:100]
    _raise(errors)
    _check_deciding(referral)
    with transaction.atomic():
        _ensure_received(referral, by)

        def act(locked: Referral) -> None:
            if locked.status != Status.RECEIVED:
                raise AlreadyDecided()
            _accepted(locked, by, reference, note)

        return _step(referral, ReferralFlow.decide, by, act)


def _accepted(locked: Referral, by: User, reference: str, note: str) -> None:
    now = timezone.now()
    locked.set_status(Status.ACCEPTED)
    locked.reference, locked.decision_note = reference, (note or "").strip()[:MAX_TEXT]
    locked.decided_by, locked.decided_at = by, now
    locked.save(update_fields=["status", "reference", "decision_note", "decided_by", "decided_at"])
    _close_deadlines(locked, "referral_filing_decision", "referral_reconsideration_answer")
    if locked.kind == Referral.Kind.CRIMINAL:
        _deadline(
            locked, "referral_handover", add_days(timezone.localdate(now), rules.HANDOVER_DAYS), rules.BASIS_HANDOVER
        )
    _event(locked, Event.ACCEPTED, by, note=f"{reference} {locked.decision_note}".strip())
    _notify_sender(
        locked,
        _("%(agency)s accepted referral %(number)s (%(reference)s)")
        % {"agency": locked.to_agency.name, "number": _label(locked), "reference": reference},
    )


def referral_reject(*, referral: Referral, by: User, reason: str) -> Referral:
    """不予立案/不予受理, with written reasons; the bureau may ask for reconsideration within 3 days."""
    _require(by, HANDLE, referral)
    reason = required_text(reason, "reason", _("Give the reasons for refusing the referral."))
    _check_deciding(referral)
    with transaction.atomic():
        _ensure_received(referral, by)

        def act(locked: Referral) -> None:
            if locked.status != Status.RECEIVED:
                raise AlreadyDecided()
            if locked.supervision_filing_ordered:
                raise InvalidTransition(
                    _("The procuratorate has ordered the case filed: it cannot be refused again (刑事诉讼法 Art.113).")
                )
            _rejected(locked, by, reason)

        return _step(referral, ReferralFlow.decide, by, act)


def _rejected(locked: Referral, by: User, reason: str) -> None:
    now = timezone.now()
    locked.set_status(Status.REJECTED)
    locked.reject_reason, locked.decided_by, locked.decided_at = reason, by, now
    locked.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    _close_deadlines(locked, "referral_filing_decision")
    if not locked.reconsideration_requested_at:
        _deadline(
            locked,
            "referral_reconsideration_request",
            add_days(timezone.localdate(now), rules.RECONSIDERATION_REQUEST_DAYS),
            rules.BASIS_RECONSIDERATION,
        )
    _event(locked, Event.REJECTED, by, note=reason)
    _notify_sender(
        locked,
        _("%(agency)s refused referral %(number)s") % {"agency": locked.to_agency.name, "number": _label(locked)},
    )


def forward_targets(referral: Referral):
    """Agencies a referral can be forwarded to: partner agencies of any region but the current one."""
    return Agency.objects.filter(kind__in=list(KIND_OF_AGENCY)).exclude(pk=referral.to_agency_id).order_by("code")


def referral_forward(*, referral: Referral, by: User, agency_code: str, reason: str) -> Referral:
    """Not our jurisdiction: pass the referral to the competent agency (within 24 hours of receipt) and
    tell the sender. The current agency's liaisons lose access; the new agency's gain it."""
    _require(by, HANDLE, referral)
    errors: dict = {}
    target = forward_targets(referral).filter(code=(agency_code or "").strip()).first()
    if target is None:
        errors["agency"] = [_("Choose the police, 纪委监委, 卫健 or 市场监管 agency competent for the case.")]
    reason = check_text(reason, "reason", _("Say why the case is not yours and why it goes there."), errors)
    _raise(errors)
    _check_deciding(referral)
    with transaction.atomic():
        _ensure_received(referral, by)

        def act(locked: Referral) -> None:
            if locked.status != Status.RECEIVED:
                raise AlreadyDecided()
            source = locked.to_agency
            locked.set_status(Status.AWAITING_RECEIPT)
            locked.to_agency, locked.kind = target, KIND_OF_AGENCY[target.kind]
            if locked.kind == Referral.Kind.CRIMINAL and locked.procuratorate_id is None:
                locked.procuratorate = procuratorate_of(target)
            locked.received_by = locked.received_at = locked.receipt = None
            locked.save(
                update_fields=["status", "to_agency", "kind", "procuratorate", "received_by", "received_at", "receipt"]
            )
            _close_deadlines(locked, "referral_filing_decision")
            access.move_receiver_access(locked, source, target)
            if locked.procuratorate_id:
                access.grant_procuratorate_access(locked)
            _event(locked, Event.FORWARDED, by, agency=target, from_agency=source, note=reason)
            _notify_receiver(
                locked,
                target.pk,
                _("Referral forwarded to you by %(from)s: %(number)s")
                % {"from": source.name, "number": _label(locked)},
            )
            _notify_sender(
                locked,
                _("%(from)s forwarded referral %(number)s to %(to)s")
                % {"from": source.name, "number": _label(locked), "to": target.name},
            )

        return _step(referral, ReferralFlow.decide, by, act)


def referral_reconsideration_answer(
    *, referral: Referral, by: User, accept: bool, answer: str, reference: str = ""
) -> Referral:
    """The receiver's answer to the reconsideration (3 days): file after all, or keep the refusal."""
    _require(by, HANDLE, referral)
    errors: dict = {}
    answer = check_text(answer, "answer", _("Give the answer to the reconsideration."), errors)
    if accept:
        reference = check_text(reference, "reference", _("Give your agency's case number."), errors)[:100]
    _raise(errors)

    def act(locked: Referral) -> None:
        if locked.status != Status.RECONSIDERATION:
            raise AlreadyDecided()
        locked.reconsideration_answer, locked.reconsideration_answered_at = answer, timezone.now()
        locked.save(update_fields=["reconsideration_answer", "reconsideration_answered_at"])
        _close_deadlines(locked, "referral_reconsideration_answer")
        _event(locked, Event.RECONSIDERED, by, note=answer)
        if accept:
            _accepted(locked, by, reference, answer)
        else:
            _rejected(locked, by, answer)

    return _step(referral, ReferralFlow.reconsider, by, act)


def referral_outcome_record(
    *,
    referral: Referral,
    by: User,
    kind: str,
    summary: str,
    decided_on: datetime.date | None,
    sentence: str = "",
    restitution_ordered: Decimal | None = None,
) -> ReferralOutcome:
    """The receiving agency reports what it did. A final outcome (判决, 不起诉, 撤案, 处分, 行政处理)
    ends its handling and, with the bureau's other referrals, the case's referral track."""
    _require(by, HANDLE, referral)
    errors: dict = {}
    if kind not in ReferralOutcome.Kind.values:
        errors["kind"] = [_("Choose one of the outcomes listed.")]
    summary = check_text(summary, "summary", _("Summarise the outcome."), errors)
    if decided_on is None:
        errors["decided_on"] = [_("Give the date of the decision.")]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = [_("The date cannot be in the future.")]
    if restitution_ordered is not None and restitution_ordered < 0:
        errors["restitution_ordered"] = [_("An amount cannot be negative.")]
    if kind != ReferralOutcome.Kind.JUDGMENT and (sentence.strip() or restitution_ordered):
        errors["sentence"] = [_("A sentence and restitution belong to a judgment.")]
    _raise(errors)
    referral.refresh_from_db(fields=["status", "decided_at"])
    if referral.status != Status.ACCEPTED:
        raise AlreadyDecided(_("Outcomes are reported on an accepted referral that is not concluded."))
    if decided_on < timezone.localdate(referral.decided_at):
        raise InvalidInput(errors={"decided_on": [_("The outcome cannot precede the acceptance.")]})

    def record(locked: Referral) -> ReferralOutcome:
        if locked.status != Status.ACCEPTED:
            raise AlreadyDecided()
        outcome = ReferralOutcome.objects.create(
            referral=locked,
            kind=kind,
            summary=summary,
            decided_on=decided_on,
            sentence=sentence.strip(),
            restitution_ordered=restitution_ordered,
            fine_offset=fines_paid(locked.case) if kind == ReferralOutcome.Kind.JUDGMENT else None,
            agency=by.agency,
            recorded_by=by,
        )
        from credit.services import on_referral_outcome

        on_referral_outcome(outcome)
        _event(locked, Event.OUTCOME, by, note=f"{outcome.get_kind_display()}：{summary}")
        _notify_sender(
            locked,
            _("%(agency)s reported an outcome of referral %(number)s: %(kind)s")
            % {"agency": locked.to_agency.name, "number": _label(locked), "kind": outcome.get_kind_display()},
        )
        return outcome

    if kind not in ReferralOutcome.FINAL:
        with transaction.atomic(), acting(by):
            return record(_lock(referral))

    recorded = {}

    def act(locked: Referral) -> None:
        recorded["outcome"] = record(locked)
        locked.set_status(Status.CONCLUDED)
        locked.conclusion, locked.concluded_at = summary, timezone.now()
        locked.save(update_fields=["status", "conclusion", "concluded_at"])
        _event(locked, Event.CONCLUDED, by)

    _step(referral, ReferralFlow.outcome, by, act)
    return recorded["outcome"]


def fines_paid(case: Case) -> Decimal:
    """Art.11: fines the bureau collected in the case, offset against a criminal fine."""
    from ledgers.models import Ledger, Payment

    total = Payment.objects.filter(obligation__case=case, obligation__ledger=Ledger.FINE).aggregate(t=Sum("amount"))
    return total["t"] or Decimal("0.00")


# ---------------------------------------------------------------------------------------------- after a refusal


def referral_reconsideration_request(*, referral: Referral, by: User, reason: str) -> Referral:
    """复议: within 3 days of the refusal; the receiver answers within 3 days."""
    _require(by, SEND, referral)
    reason = required_text(reason, "reason", _("Give the reasons for asking to reconsider."))

    def act(locked: Referral) -> None:
        if locked.status != Status.REJECTED:
            raise AlreadyDecided()
        if locked.reconsideration_requested_at is not None:
            raise InvalidTransition(_("Reconsideration has already been asked for once."))
        now = timezone.now()
        locked.set_status(Status.RECONSIDERATION)
        locked.reconsideration_reason, locked.reconsideration_requested_at = reason, now
        locked.save(update_fields=["status", "reconsideration_reason", "reconsideration_requested_at"])
        _close_deadlines(locked, "referral_reconsideration_request")
        _deadline(
            locked,
            "referral_reconsideration_answer",
            add_days(timezone.localdate(now), rules.RECONSIDERATION_ANSWER_DAYS),
            rules.BASIS_RECONSIDERATION,
        )
        _event(locked, Event.RECONSIDERATION, by, note=reason)
        _notify_receiver(
            locked,
            locked.to_agency_id,
            _("Reconsideration requested: %(number)s") % {"number": _label(locked)},
        )

    return _step(referral, ReferralFlow.after_refusal, by, act)


def can_request_supervision(referral: Referral) -> bool:
    return (
        referral.kind == Referral.Kind.CRIMINAL
        and referral.procuratorate_id is not None
        and referral.reconsideration_answered_at is not None
        and referral.supervision_requested_at is None
    )


def referral_supervision_request(*, referral: Referral, by: User, reason: str) -> Referral:
    """立案监督: after the police kept their refusal on reconsideration, ask the procuratorate."""
    _require(by, SEND, referral)
    reason = required_text(reason, "reason", _("Give the reasons for asking the procuratorate to supervise."))

    def act(locked: Referral) -> None:
        if locked.status != Status.REJECTED:
            raise AlreadyDecided()
        if not can_request_supervision(locked):
            raise InvalidTransition(
                _("The procuratorate supervises a police refusal kept after reconsideration, once.")
            )
        now = timezone.now()
        locked.set_status(Status.SUPERVISION)
        locked.supervision_reason, locked.supervision_requested_at = reason, now
        locked.save(update_fields=["status", "supervision_reason", "supervision_requested_at"])
        _close_deadlines(locked, "referral_reconsideration_request")
        _deadline(
            locked,
            "referral_supervision",
            add_days(timezone.localdate(now), rules.procuratorate_decision_days()),
            rules.BASIS_SUPERVISION,
        )
        access.grant_procuratorate_access(locked, supervise=True)
        _event(locked, Event.SUPERVISION, by, note=reason)
        _notify_receiver(
            locked,
            locked.procuratorate_id,
            _("Supervision of a refused referral requested: %(number)s") % {"number": _label(locked)},
        )

    return _step(referral, ReferralFlow.after_refusal, by, act)


def referral_supervision_decide(*, referral: Referral, by: User, order_filing: bool, note: str) -> Referral:
    """The procuratorate orders the police to file (they decide again, and must file) or finds the refusal justified."""
    _require(by, SUPERVISE, referral)
    note = required_text(note, "note", _("Give the procuratorate's decision and reasons."))

    def act(locked: Referral) -> None:
        if locked.status != Status.SUPERVISION:
            raise AlreadyDecided()
        now = timezone.now()
        locked.supervision_filing_ordered, locked.supervision_note = order_filing, note
        locked.supervision_decided_at = now
        locked.set_status(Status.RECEIVED if order_filing else Status.REJECTED)
        locked.save(
            update_fields=["status", "supervision_filing_ordered", "supervision_note", "supervision_decided_at"]
        )
        _close_deadlines(locked, "referral_supervision")
        if order_filing:
            _deadline(
                locked,
                "referral_filing_decision",
                add_days(timezone.localdate(now), rules.FILING_AFTER_SUPERVISION_DAYS),
                rules.BASIS_SUPERVISION,
            )
            _notify_receiver(
                locked,
                locked.to_agency_id,
                _("The procuratorate ordered referral %(number)s filed") % {"number": _label(locked)},
            )
        _event(locked, Event.SUPERVISED, by, note=note)
        _notify_sender(
            locked,
            _("The procuratorate decided on referral %(number)s") % {"number": _label(locked)},
        )

    return _step(referral, ReferralFlow.supervise, by, act)


def referral_return_to_penalty(
    *, referral: Referral, by: User, subjects: Sequence[Subject], note: str = ""
) -> Referral:
    """Art.10: a refused case goes back to the administrative penalty track; the referral ends with it."""
    from penalties.services import penalty_start

    _require(by, SEND, referral)
    if not subjects:
        raise InvalidInput(errors={"subjects": [_("Choose the subjects to penalise.")]})

    def act(locked: Referral) -> None:
        if locked.status != Status.REJECTED:
            raise AlreadyDecided()
        locked.set_status(Status.RETURNED)
        locked.save(update_fields=["status"])
        _close_deadlines(locked, "referral_reconsideration_request")
        for subject in subjects:
            penalty_start(case=locked.case, subject=subject, by=by)
        names = "、".join(subject.name for subject in subjects)
        _event(locked, Event.RETURNED, by, note=f"{names} {(note or '').strip()}".strip())

    return _step(referral, ReferralFlow.after_refusal, by, act)


def referral_accept_refusal(*, referral: Referral, by: User, note: str) -> Referral:
    """The bureau accepts the refusal; the referral is concluded."""
    _require(by, SEND, referral)
    note = required_text(note, "note", _("Record why the refusal is accepted."))

    def act(locked: Referral) -> None:
        if locked.status != Status.REJECTED:
            raise AlreadyDecided()
        locked.set_status(Status.CONCLUDED)
        locked.conclusion, locked.concluded_at = note, timezone.now()
        locked.save(update_fields=["status", "conclusion", "concluded_at"])
        _close_deadlines(locked, "referral_reconsideration_request")
        _event(locked, Event.CONCLUDED, by, agency=locked.agency, note=note)

    return _step(referral, ReferralFlow.after_refusal, by, act)


# ---------------------------------------------------------------------------------------------- flow hooks


def referral_penalty_finished(*, referral: Referral) -> None:
    """The flow's penalty node: the penalties the refused case went back to are done."""
    locked = _lock(referral)
    locked.set_status(Status.CONCLUDED)
    locked.conclusion = locked.conclusion or _("Handled by administrative penalty after the refusal.")
    locked.concluded_at = timezone.now()
    locked.save(update_fields=["status", "conclusion", "concluded_at"])
    _event(locked, Event.CONCLUDED, None, agency=locked.agency, note=locked.conclusion)


def referral_finished(*, referral: Referral) -> None:
    """The flow's last node: every deadline of the referral is closed."""
    _close_deadlines(referral, *rules.DEADLINE_STEPS)
