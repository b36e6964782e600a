"""Outcome decisions on the demo cases whose investigation report is issued.

One case awaits its decision; one is closed without further action; one was referred to the police
and closed; one referral still runs; the rest go to the penalty track, the agreement track or both,
and the tracks' own demo code (organisation.demo.penalties / .agreements) drives them onwards.
"""

import datetime

from django.utils import timezone

from casework.models import Case, Subject
from organisation.demo.history import on
from organisation.models import Agency, User
from workflows.outcome import CreditAward, OutcomeChoice, case_close, outcome_decide, referral_conclude

AGREEMENT_KINDS = (Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY)
PENALTY_KINDS = (Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY, Subject.Kind.INSURED)

# The first cases with an issued investigation report: one waits for its decision, one is closed
# without further action, one referral is concluded and closed, one still runs.
FIRST = ("awaiting", "no_action", "referral_closed", "referral_running")
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
            referral_agency=police,
            referral_grounds="当事人以虚构住院等方式骗取医保基金，数额较大，涉嫌诈骗罪，依法移送公安机关。",
            credit=[CreditAward(s, 12, "涉嫌欺诈骗保，移送公安机关") for s in subjects[:1]],
        )
        outcome_decide(case=case, by=head, choice=choice)
        if plan == "referral_closed":
            sent = case.opened_at + datetime.timedelta(days=4)
            with on(case.opened_at + datetime.timedelta(days=20)):
                referral_conclude(
                    case=case,
                    by=head,
                    sent_on=timezone.localdate(sent),
                    reference=f"{police.number_prefix}刑立〔{timezone.localdate(sent).year}〕{case.sequence}号",
                    result="公安机关已立案侦查，并将侦查结果函告我局。",
                )
            with on(case.opened_at + datetime.timedelta(days=21)):
                case_close(case=case, by=head, summary="本案已移送公安机关立案侦查，行政处理部分已终结，予以结案。")
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
