"""Outcome decisions on the demo cases whose investigation report is issued.

One case awaits its decision; one is closed without further action; referrals to the police in every
state (concluded by a judgment and closed, refused, received and awaiting the decision, sent and
awaiting receipt, still prepared by the officers); the rest go to the penalty track, the agreement track or both,
and the tracks' own demo code (organisation.demo.penalties / .agreements) drives them onwards.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from casework.models import Case, Subject
from organisation.demo.history import on
from organisation.models import Agency, User
from organisation.roles import Role
from referrals import services as referrals
from referrals.counter import counter_referral_submit
from referrals.models import Referral, ReferralGround
from workflows.outcome import CreditAward, OutcomeChoice, case_close, outcome_decide

AGREEMENT_KINDS = (Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY)
PENALTY_KINDS = (Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY, Subject.Kind.INSURED)

# The first cases with an issued investigation report: one waits for its decision, one is closed
# without further action, then one referral to the police in each state.
FIRST = (
    "awaiting",
    "no_action",
    "referral_closed",
    "referral_refused",
    "referral_received",
    "referral_sent",
    "referral_preparing",
)
# Then cases with an institution or pharmacy found in breach go to the agreement track (the first two
# also to a penalty) until there are this many; the rest go to the penalty track.
AGREEMENT_CASES = 5
# The outcome is decided on the case's fourth day, right after its investigation report.
DECIDED_AFTER = datetime.timedelta(days=3, hours=2)
BOTH_CASES = 2


def _plan(cases: list[Case], subjects_of) -> list[tuple[Case, str]]:
    plan = list(zip(cases, FIRST, strict=False))
    agreement = 0
    for case in cases[len(FIRST) :]:
        eligible = any(s.kind in AGREEMENT_KINDS for s in subjects_of(case))
        if eligible and agreement < AGREEMENT_CASES:
            plan.append((case, "both" if agreement < BOTH_CASES else "agreement"))
            agreement += 1
        else:
            plan.append((case, "penalty"))
    return plan


def seed_outcomes(cases: list[Case], *, head: User, police: Agency) -> None:
    """Decide the outcome of each case; see FIRST and AGREEMENT_CASES."""

    def subjects_of(case: Case) -> list[Subject]:
        found = [v.subject for v in case.violations.select_related("subject").order_by("pk")]
        return list({s.pk: s for s in found}.values())

    for case, plan in _plan(cases, subjects_of):
        subjects = subjects_of(case)
        if plan == "awaiting":
            continue
        with on(case.opened_at + DECIDED_AFTER):
            _decide(case, plan, subjects, head=head, police=police)


def _decide(case: Case, plan: str, subjects: list[Subject], *, head: User, police: Agency) -> None:
    """Take the decision (the clock stands at the decision's date) and what follows it in the bureau."""
    if plan == "no_action":
        outcome_decide(
            case=case,
            by=head,
            choice=OutcomeChoice(reasoning="违规金额较小，当事人已主动退回并完成整改，依法不予处罚。"),
        )
        with on(case.opened_at + datetime.timedelta(days=12)):
            case_close(case=case, by=head, summary="当事人已退回违规费用并整改到位，经复查无新发问题，予以结案。")
        return
    if plan.startswith("referral"):
        choice = OutcomeChoice(
            referral_agencies=[police],
            referral_grounds="当事人以虚构住院等方式骗取医保基金，数额较大，涉嫌诈骗罪，依法移送公安机关。",
            credit=[CreditAward(s, 12, "涉嫌欺诈骗保，移送公安机关") for s in subjects[:1]],
        )
        outcome_decide(case=case, by=head, choice=choice)
        _refer(case, plan, head=head, police=police)
        return
    penalty = [s for s in subjects if s.kind in PENALTY_KINDS] if plan in ("penalty", "both") else []
    agreement = [s for s in subjects if s.kind in AGREEMENT_KINDS] if plan in ("agreement", "both") else []
    if not (penalty or agreement):
        return
    outcome_decide(
        case=case,
        by=head,
        choice=OutcomeChoice(
            penalty_subjects=penalty,
            agreement_subjects=agreement,
            reasoning="根据调查终结报告认定的事实，依法依约处理。",
        ),
    )


def _user(agency, role: str) -> User:
    return User.objects.filter(agency=agency, groups__role_group__role=role).order_by("pk").first()


def _refer(case: Case, plan: str, *, head: User, police: Agency) -> None:
    """Take the referral as far as the plan says, each step on its own day."""
    if plan == "referral_preparing":
        return
    referral = Referral.objects.get(case=case)
    officer = case.investigation.investigators.order_by("pk").first()
    director = _user(case.agency, Role.DIRECTOR)
    liaison = _user(police, Role.LIAISON)
    start = case.opened_at + DECIDED_AFTER
    with on(start + datetime.timedelta(hours=20)):
        referrals.referral_report(
            referral=referral,
            by=officer,
            grounds=list(ReferralGround.objects.filter(code__in=["fraud_amount", "forged_documents"])),
            facts="经查，当事人伪造住院病历、虚构住院事实，骗取医疗保障基金，数额较大，涉嫌诈骗罪。",
            evidence=list(case.evidence.all()),
        )
    with on(start + datetime.timedelta(days=2)):
        referrals.referral_approve(referral=referral, by=director, approve=True, note="同意移送公安机关。")
    with on(start + datetime.timedelta(days=2, hours=3)):
        referrals.referral_send(referral=referral, by=officer)
    if plan == "referral_sent":
        return
    with on(start + datetime.timedelta(days=3)):
        referrals.referral_receipt(referral=referral, by=liaison)
    if plan == "referral_received":
        return
    if plan == "referral_refused":
        with on(start + datetime.timedelta(days=4)):
            referrals.referral_reject(
                referral=referral, by=liaison, reason="现有证据不足以证明当事人具有非法占有目的，不予立案。"
            )
        # The police send the matter back for administrative handling (反向移送): a lead in the bureau's triage.
        with on(start + datetime.timedelta(days=5)):
            counter_referral_submit(
                by=liaison,
                bureau_code=case.agency.code,
                subject_kind=case.subjects.order_by("pk").first().kind,
                subject_name=case.subjects.order_by("pk").first().name,
                title="不予立案案件移回医保部门行政处理",
                description="经审查，现有证据不足以追究刑事责任，但当事人违规使用医保基金的事实存在，建议依法作行政处理。",
                reference=f"{police.number_prefix}不立〔{timezone.localdate(start).year}〕{case.sequence}号",
                referral=referral,
            )
        return
    year = timezone.localdate(start).year
    with on(start + datetime.timedelta(days=4)):
        referrals.referral_accept(
            referral=referral,
            by=liaison,
            reference=f"{police.number_prefix}刑立〔{year}〕{case.sequence}号",
            note="已立案侦查。",
        )
    with on(start + datetime.timedelta(days=5)):
        referrals.referral_handover(referral=referral, by=officer, on=timezone.localdate())
    with on(start + datetime.timedelta(days=6)):
        referrals.referral_outcome_record(
            referral=referral,
            by=liaison,
            kind="investigation",
            summary="已对犯罪嫌疑人采取刑事强制措施。",
            decided_on=timezone.localdate(),
        )
    with on(start + datetime.timedelta(days=16)):
        referrals.referral_outcome_record(
            referral=referral,
            by=liaison,
            kind="judgment",
            summary="人民法院以诈骗罪判处被告人有期徒刑三年，并责令退赔医保基金损失。",
            decided_on=timezone.localdate(),
            sentence="有期徒刑三年，并处罚金人民币五万元",
            restitution_ordered=sum((v.fund_loss for v in case.violations.all()), Decimal("0.00")),
        )
    with on(start + datetime.timedelta(days=17)):
        case_close(case=case, by=head, summary="本案已移送公安机关，经人民法院判决，行政处理部分已终结，予以结案。")
