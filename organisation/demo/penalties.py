"""The demo's penalties (行政处罚): each penalty the demo outcome decisions started is driven through the
services to one step of the procedure, so every state shows up.

The states need time behind them (a fine paid late needs its 15 days, a court application the six-month
review period), so the oldest cases get the furthest states; a state whose case is too young for it is
left out. One extra 简易程序 penalty is decided on the spot, and one case gets its 90-day decision
deadline extended by the agency head.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from casework import penalty_rules as rules
from casework.models import Case, Subject
from ledgers.services import fund_refund_remaining
from organisation.demo import history
from organisation.demo.cities import CITIES
from organisation.models import Agency, User
from penalties import execution, services
from penalties.extension import decision_extension_approve
from penalties.models import Penalty
from penalties.terms import Terms, subject_fund_loss

FACTS = {
    Subject.Kind.INSTITUTION: "经查，当事人在医保结算中存在{items}等违规行为，造成医疗保障基金损失人民币{loss}元。",
    Subject.Kind.PHARMACY: "经查，当事人存在{items}等违规行为，造成医疗保障基金损失人民币{loss}元。",
    Subject.Kind.INSURED: "经查，当事人存在{items}等违规行为，造成医疗保障基金损失人民币{loss}元。",
}
GROUNDS = (
    "当事人的上述行为违反了《医疗保障基金使用监督管理条例》的有关规定。"
    "鉴于当事人能够配合调查，如实陈述违法事实，依法在法定幅度内从轻处罚。"
)
STATEMENT = "我单位对调查认定的事实无异议，已组织全面自查整改，恳请从轻处罚。"


@dataclass(frozen=True)
class State:
    """How far to drive a penalty, and how many days before today its case must have been opened."""

    name: str
    min_age: int


# By importance: with fewer penalties than states, the ones at the end are left out.
STATES = (
    State("paid_late", 50),
    State("reminder", 55),
    State("notice", 3),
    State("hearing", 7),
    State("legal_review", 14),
    State("discussion", 14),
    State("serving", 10),
    State("paid", 30),
    State("court", 210),
)


@dataclass
class Staff:
    head: User
    inv: User
    legal: User
    director: User
    finance: User


def advance_penalties(*, agency: Agency, today: datetime.date) -> None:
    """Drive every penalty of the bureau still at its first step to a realistic spread of states."""
    staff = _staff(agency)
    fresh = list(
        Penalty.objects.filter(agency=agency, status=Penalty.Status.DRAFTING, procedure=Penalty.Procedure.GENERAL)
        .select_related("case", "subject")
        .order_by("case__opened_at", "pk")
    )
    for penalty, state in _assign(fresh, today):
        DRIVERS[state](penalty, staff, today)
    _extend_one(agency, staff, today)
    _summary_one(agency, staff, today)


def _staff(agency: Agency) -> Staff:
    prefix = next(city.prefix for city in CITIES if city.code == agency.region.code)
    users = {u.username: u for u in User.objects.filter(username__startswith=f"{prefix}_")}
    return Staff(
        head=users[f"{prefix}_head"],
        inv=users[f"{prefix}_inv1"],
        legal=users[f"{prefix}_legal"],
        director=users[f"{prefix}_director"],
        finance=users[f"{prefix}_finance"],
    )


def _age(penalty: Penalty, today: datetime.date) -> int:
    """Days since the outcome decision started the penalty: its steps happen after it."""
    return (today - timezone.localdate(penalty.created_at)).days


def _assign(penalties: list[Penalty], today: datetime.date) -> list[tuple[Penalty, str]]:
    """The oldest cases take the states that need the most time (penalties beyond the states go round them
    again); a case too young for any state left is only notified."""
    feasible = [state for state in STATES if any(_age(p, today) >= state.min_age for p in penalties)]
    if not feasible:
        return [(penalty, "notice") for penalty in penalties]
    wanted = sorted((feasible[i % len(feasible)] for i in range(len(penalties))), key=lambda state: -state.min_age)
    plan = []
    for penalty in penalties:
        state = next((state for state in wanted if state.min_age <= _age(penalty, today)), None)
        if state is not None:
            wanted.remove(state)
        plan.append((penalty, state.name if state is not None else "notice"))
    return plan


def _day(today: datetime.date, days_ago: int) -> datetime.date:
    return today - datetime.timedelta(days=days_ago)


def _terms(penalty: Penalty, *, serious: bool = False) -> Terms:
    """Terms within the article for the subject's fund loss; serious ones add a suspension (hearing, 集体讨论).

    The refund orders back what the agreement track has not already ordered back (条例 Art.45).
    """
    loss = subject_fund_loss(case=penalty.case, subject=penalty.subject)
    refund = rules.money(fund_refund_remaining(case=penalty.case, subject=penalty.subject)) or None
    person = penalty.subject.kind == Subject.Kind.INSURED
    if serious:
        article = "41" if person else "40"
        months = rules.SUSPENSION_RULES[article].min_months
        if loss <= 0:
            return Terms(article=article, warning=True, suspension_months=months)
        fine = rules.fine_range(article, fund_loss=loss)[0]
        return Terms(article=article, refund=refund, fine=fine, suspension_months=months)
    if loss <= 0:
        return Terms(article="41" if person else "39", warning=True)
    article = "41" if person else "38"
    return Terms(article=article, refund=refund, fine=rules.fine_range(article, fund_loss=loss)[0])


def _notice(penalty: Penalty, staff: Staff, on: datetime.date, *, serious: bool = False) -> Penalty:
    items = "、".join(
        sorted({v.item.name for v in penalty.case.violations.filter(subject=penalty.subject).select_related("item")})
    )
    loss = subject_fund_loss(case=penalty.case, subject=penalty.subject)
    with history.on(on):
        return services.penalty_notice_issue(
            penalty=penalty,
            by=staff.inv,
            terms=_terms(penalty, serious=serious),
            facts=FACTS.get(penalty.subject.kind, FACTS[Subject.Kind.INSTITUTION]).format(
                items=items or "违规使用医保基金", loss=f"{loss:,.2f}"
            ),
            grounds=GROUNDS,
            served_on=on,
        )


def _to_decision(penalty: Penalty, staff: Staff, decided_on: datetime.date, *, stop: str | None = None) -> Penalty:
    """Notice 8 days before decided_on, no statement, then whatever review and discussion the terms need."""
    penalty = _notice(penalty, staff, decided_on - datetime.timedelta(days=8))
    with history.on(_at(decided_on - datetime.timedelta(days=2), 9)):
        penalty = services.penalty_statement_record(penalty=penalty, by=staff.inv, kind=Penalty.StatementKind.NONE)
    if penalty.status == Penalty.Status.LEGAL_REVIEW and stop != "legal_review":
        with history.on(decided_on - datetime.timedelta(days=2)):
            penalty = services.penalty_legal_review(
                penalty=penalty,
                by=staff.legal,
                passed=True,
                opinion="执法主体适格，事实清楚，证据确实充分，程序合法，适用依据正确，裁量适当。",
                reviewed_on=decided_on - datetime.timedelta(days=2),
            )
    if penalty.status == Penalty.Status.DISCUSSION and stop != "discussion":
        with history.on(decided_on - datetime.timedelta(days=1)):
            penalty = services.penalty_discuss(
                penalty=penalty,
                by=staff.director,
                participants="局长、分管副局长、法规科科长、基金监管科科长",
                opinions="与会人员一致认为本案事实清楚，同意法制审核意见。",
                conclusion="同意按事先告知的内容作出行政处罚决定。",
                discussed_on=decided_on - datetime.timedelta(days=1),
            )
    if stop is not None or penalty.status != Penalty.Status.DECIDING:
        return penalty
    decider = staff.director if penalty.discussion_required else staff.head
    with history.on(decided_on):
        return services.penalty_decide(penalty=penalty, by=decider, decided_on=decided_on)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _serve(penalty: Penalty, staff: Staff, on: datetime.date) -> Penalty:
    with history.on(on):
        return services.penalty_serve(
            penalty=penalty, by=staff.inv, method="direct", recipient="法定代表人", served_on=on
        )


def _pay(penalty: Penalty, staff: Staff, on: datetime.date, *ledgers: str) -> Penalty:
    for row in execution.obligations(penalty):
        if row.balance > 0 and (not ledgers or row.ledger in ledgers):
            with history.on(on):
                penalty = execution.penalty_payment_record(
                    penalty=penalty,
                    by=staff.finance,
                    ledger=row.ledger,
                    amount=row.balance,
                    voucher=f"缴{on:%Y%m%d}{penalty.pk:04d}{row.ledger[:2].upper()}",
                    channel="非税收入缴款书" if row.ledger != "fund_refund" else "医保基金专户",
                    paid_on=on,
                )
            if penalty.status == Penalty.Status.FINISHED:
                break
    return penalty


def drive_notice(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    _notice(penalty, staff, _day(today, 2))


def drive_hearing(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    penalty = _notice(penalty, staff, _day(today, 6), serious=True)
    with history.on(_day(today, 5)):
        penalty = services.penalty_statement_record(
            penalty=penalty,
            by=staff.inv,
            kind=Penalty.StatementKind.STATEMENT,
            statement="对拟处罚事实有异议，暂停服务将影响周边群众就医，要求举行听证。",
            received_on=_day(today, 5),
            hearing_requested=True,
        )
    scheduled = timezone.make_aware(datetime.datetime.combine(_day(today, -4), datetime.time(9, 30)))
    with history.on(_day(today, 4)):
        services.penalty_hearing_schedule(
            penalty=penalty,
            by=staff.inv,
            scheduled_at=scheduled,
            place=f"{penalty.agency.name}听证室",
            chair=staff.head,
            notice_sent_on=_day(today, 4),
        )


def drive_legal_review(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    penalty = _notice(penalty, staff, _day(today, 12), serious=True)
    with history.on(_day(today, 4)):
        services.penalty_statement_record(penalty=penalty, by=staff.inv, kind=Penalty.StatementKind.NONE)


def drive_discussion(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    drive_legal_review(penalty, staff, today)
    with history.on(_day(today, 3)):
        services.penalty_legal_review(
            penalty=Penalty.objects.get(pk=penalty.pk),
            by=staff.legal,
            passed=True,
            opinion="事实清楚，证据确实充分，程序合法；暂停服务的期限在法定幅度内，建议提交集体讨论。",
            reviewed_on=_day(today, 3),
        )


def drive_serving(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    _to_decision(penalty, staff, _day(today, 1))


def drive_paid(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    penalty = _serve(_to_decision(penalty, staff, _day(today, 20)), staff, _day(today, 19))
    _pay(penalty, staff, _day(today, 10))


def drive_paid_late(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    """Served 38 days ago: payment was due 23 days ago, paid 5 days late (15 % late fee), fee paid since."""
    penalty = _serve(_to_decision(penalty, staff, _day(today, 40)), staff, _day(today, 38))
    penalty = _pay(penalty, staff, _day(today, 18), "fine", "fund_refund", "confiscation")
    _pay(penalty, staff, _day(today, 10))


def drive_reminder(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    """Served 44 days ago, nothing paid: overdue, a 催告书 served 20 days ago."""
    penalty = _serve(_to_decision(penalty, staff, _day(today, 45)), staff, _day(today, 44))
    if penalty.status == Penalty.Status.EXECUTION:
        with history.on(_day(today, 20)):
            execution.penalty_reminder_issue(penalty=penalty, by=staff.head, reminded_on=_day(today, 20))


def drive_court(penalty: Penalty, staff: Staff, today: datetime.date) -> None:
    """Served 200 days ago and never paid: reminded, then the court is asked inside its window."""
    penalty = _serve(_to_decision(penalty, staff, _day(today, 201)), staff, _day(today, 200))
    if penalty.status != Penalty.Status.EXECUTION:
        return
    with history.on(_day(today, 170)):
        penalty = execution.penalty_reminder_issue(penalty=penalty, by=staff.head, reminded_on=_day(today, 170))
    city = next(city for city in CITIES if city.code == penalty.agency.region.code)
    court = f"{city.name}{city.districts[0].name}人民法院"
    opens, _closes = rules.enforcement_window(penalty.served_on)
    execution.penalty_enforcement_apply(penalty=penalty, by=staff.director, court=court, applied_on=max(opens, today))


DRIVERS = {
    "notice": drive_notice,
    "hearing": drive_hearing,
    "legal_review": drive_legal_review,
    "discussion": drive_discussion,
    "serving": drive_serving,
    "paid": drive_paid,
    "paid_late": drive_paid_late,
    "reminder": drive_reminder,
    "court": drive_court,
}


def _extend_one(agency: Agency, staff: Staff, today: datetime.date) -> None:
    """The agency head extends the decision deadline of one case whose penalty is still undecided."""
    undecided = (
        Penalty.objects.filter(agency=agency, decided_on__isnull=True, case__decision_extension__isnull=True)
        .filter(
            case__deadlines__step="penalty_decision",
            case__deadlines__ref="",
            case__deadlines__closed_on__isnull=True,
            case__deadlines__due__gte=today,
        )
        .select_related("case")
        .order_by("case__deadlines__due")
        .first()
    )
    if undecided is not None:
        decision_extension_approve(
            case=undecided.case,
            by=staff.director,
            reason="当事人申请听证，且需调取异地就医结算记录进行核实，案情复杂，无法在立案之日起九十日内作出处理决定。",
        )


def _summary_one(agency: Agency, staff: Staff, today: datetime.date) -> None:
    """A 简易程序 on a subject of an open case that has no penalty: a warning, or a small fine paid at once."""
    for case in Case.objects.filter(agency=agency, status=Case.Status.HANDLING).order_by("opened_at", "pk"):
        taken = set(Penalty.objects.filter(case=case).values_list("subject_id", flat=True))
        subject = case.subjects.exclude(pk__in=taken).order_by("pk").first()
        if subject is None:
            continue
        penalty = services.penalty_start(case=case, subject=subject, by=staff.head, procedure=Penalty.Procedure.SUMMARY)
        person = subject.kind in (Subject.Kind.INSURED, Subject.Kind.PRACTITIONER)
        article = "41" if person else "39"
        terms = Terms(article=article, warning=True)
        loss = subject_fund_loss(case=case, subject=subject)
        if not person and Decimal(0) < loss <= rules.SUMMARY_LIMIT_ORGANISATION:
            terms = Terms(article="38", fine=loss)
        penalty = services.penalty_summary_decide(
            penalty=penalty,
            by=staff.head,
            terms=terms,
            facts="检查中发现当事人医保管理制度不健全、费用清单未按规定公示，情节轻微，当场予以处罚。",
            place=subject.address or subject.name,
            statement="当事人承认违规事实，表示立即整改。",
            decided_on=today,
        )
        if penalty.status == Penalty.Status.EXECUTION:
            _pay(penalty, staff, today)
        return
