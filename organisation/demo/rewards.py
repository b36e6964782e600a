"""举报奖励 in the demo: the cases that began with a report and found a violation carry rewards in every
state, the oldest furthest along (one forfeited, paid ones), the newest still under review.

Closed cases got their reward when they closed; the others are started by the reward handler by hand.
Each step is replayed on its own day (organisation.demo.history.on).
"""

import datetime

from django.utils import timezone

from casework.models import Case, Violation
from intake.crypto import decrypt_identity
from organisation.demo.history import on
from organisation.models import Agency, User
from organisation.roles import Role
from rewards import services
from rewards.models import Reward

# From the oldest case to the newest.
PLAN = (
    "forfeited",
    "paid",
    "ineligible",
    "paying",
    "collective",
    "approving",
    "claiming",
    "proposing",
    "reviewing",
    "notifying",
    "rejected",
    "paid",
)
ALL_MET = dict.fromkeys(services.CRITERIA, True)
PAYMENT = {"payee": "", "bank": "中国工商银行连云港海州支行", "account": "6222 0211 0400 1234 567"}
ANONYMOUS_CLAIMANT = {"name": "周晓明", "phone": "13905180021", "id_number": "320703198805120017"}


def _user(agency: Agency, role: str) -> User:
    return User.objects.filter(agency=agency, groups__role_group__role=role).order_by("pk").first()


def seed_rewards(*, bureau: Agency, today: datetime.date) -> None:
    people = {
        "handler": _user(bureau, Role.REWARD_HANDLER),
        "head": _user(bureau, Role.SECTION_HEAD),
        "director": _user(bureau, Role.DIRECTOR),
        "finance": _user(bureau, Role.FINANCE),
    }
    with_violation = Violation.objects.filter(case__agency=bureau).values("case")
    cases = [
        case
        for case in Case.objects.filter(agency=bureau, pk__in=with_violation).order_by("opened_at", "pk")
        if services.case_reports(case).exists()
    ]
    for case, plan in zip(cases, PLAN, strict=False):
        _advance(case, plan, people, today)
    services.rewards_forfeit_expired(today=today)


def _advance(case: Case, plan: str, people: dict, today: datetime.date) -> None:
    handler = people["handler"]
    start = (case.closed_at or case.opened_at) + datetime.timedelta(days=5)

    def day(n: int):
        return start + datetime.timedelta(days=n)

    with on(day(0)):
        reward = Reward.objects.filter(case=case).first() or services.reward_start(case=case, by=handler)
    if plan == "reviewing":
        return
    with on(day(1)):
        if plan == "ineligible":
            services.reward_review(
                reward=reward,
                by=handler,
                checks={**ALL_MET, "not_known": False},
                reason="举报前本局已通过智能监控发现该问题并已立项核查，不属于奖励范围。",
            )
            return
        reward = services.reward_review(reward=reward, by=handler, checks=ALL_MET)
    if plan == "proposing":
        return
    with on(day(2)):
        verified = services.verified_amount_of(case)
        if plan == "collective":
            reward = services.reward_propose(
                reward=reward,
                by=handler,
                verified_amount=verified,
                amount="60000.00",
                reason="举报人提供了关键证据并协助固定证据，案件涉及团伙骗保，拟提高奖励标准。",
            )
        else:
            reward = services.reward_propose(reward=reward, by=handler, verified_amount=verified)
    if plan == "approving":
        return
    with on(day(3)):
        if plan == "rejected":
            services.reward_approve(
                reward=reward, by=people["head"], decision="refuse", note="举报内容与查实问题关联性不足，不予奖励。"
            )
            return
        reward = services.reward_approve(reward=reward, by=people["head"], decision="approve", note="同意。")
    if plan in ("collective", "notifying"):
        return
    # The claim window is 2 months: the claiming reward was notified lately, the forfeited one long ago.
    notified = day(4) if plan != "claiming" else timezone.now() - datetime.timedelta(days=10)
    with on(notified):
        named_email = not reward.report.anonymous and decrypt_identity(reward.report.identity_token).get("email")
        channel = "email" if named_email else "phone"
        reward = services.reward_notify(reward=reward, by=handler, channel=channel)
    if plan in ("claiming", "forfeited"):
        return
    with on(day(12)):
        payment = {**PAYMENT, "payee": _payee(reward)}
        claimant = ANONYMOUS_CLAIMANT if reward.report.anonymous else None
        reward = services.reward_claim(
            reward=reward,
            by=handler,
            identity_check="核验本人身份证原件及查询码，身份一致。",
            payment=payment,
            claimant=claimant,
        )
    if plan == "paying":
        return
    with on(day(16)):
        services.reward_pay(
            reward=reward,
            by=people["finance"],
            paid_on=timezone.localdate(),
            voucher_no=f"记-{timezone.localdate():%Y%m}-{reward.pk:03d}",
        )


def _payee(reward: Reward) -> str:
    if reward.report.anonymous:
        return ANONYMOUS_CLAIMANT["name"]
    return decrypt_identity(reward.report.identity_token).get("name", "")
