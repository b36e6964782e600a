"""The demo's agreement sanctions (协议处理): each city's handling agency takes the actions its outcome
decisions started and drives them to a realistic spread of states.

In order over the actions still at their first step (without measures), so that four or five actions
a city show every state: a notice just issued with the statement window open; a final decision with a
6-month suspension in force, 追回 and 违约金 part paid and its rectification checked and passed; a
statement window passed without a statement (overdue); a rectification check pending; a termination.
Any further actions stay in drafting with an interview recorded.
Steps taken in the past are recorded with their dates (served on, received on, decided on), and
the action is dated back to when it was started; everything goes through the services.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agreements import rules
from agreements.models import AgreementAction, AgreementMeasure
from agreements.notice import subject_totals
from agreements.services import measure_add
from agreements.steps import (
    agreement_check_record,
    agreement_decide,
    agreement_issue_notice,
    agreement_statement_record,
)
from ledgers.models import Ledger, Obligation
from ledgers.services import fund_refund_remaining, payment_record
from organisation.demo import history
from organisation.demo.cities import CITIES
from organisation.models import Agency, Region, User

Kind = AgreementMeasure.Kind
PLAN = ("statement_open", "suspended", "statement_overdue", "rectification_pending", "terminated")
# Days of history each state needs since the outcome decision started the action.
NEEDS = {"suspended": 70, "terminated": 50, "rectification_pending": 35, "statement_overdue": 25}
INTERVIEWEES = {"institution": "院长及医保办主任", "pharmacy": "企业负责人及驻店药师"}
CLAUSES = {
    "institution": "《{city}基本医疗保险定点医疗机构服务协议》第十八条、第二十三条、第四十二条",
    "pharmacy": "《{city}基本医疗保险定点零售药店服务协议》第十五条、第二十一条、第三十六条",
}
STATEMENTS = {
    "suspended": "我单位对核查认定的事实无异议，但违规行为系个别科室所为，且已主动退回部分费用，请求从轻处理。",
    "rectification_pending": "我单位已成立整改工作小组，逐项对照问题清单整改，恳请给予整改期限。",
}


def advance_agreements(*, region, today: datetime.date | None = None) -> None:
    """Drive the agreement actions of the region's handling agency that have no measures yet."""
    region = region if isinstance(region, Region) else Region.objects.get(code=region)
    today = today or timezone.localdate()
    city = next(c for c in CITIES if c.code == region.code)
    agency = Agency.objects.get(code=f"{region.code}-agency")
    manager = User.objects.get(username=f"{city.prefix}_agreement")
    finance = User.objects.get(username=f"{city.prefix}_finance")
    actions = list(
        AgreementAction.objects.filter(agency=agency, status=AgreementAction.Status.DRAFTING, measures__isnull=True)
        .select_related("subject__region", "case")
        .order_by("pk")
    )
    for action, plan in _assign(actions, today):
        with transaction.atomic():
            _Scenario(action, manager=manager, finance=finance, today=today, city_name=city.name).run(plan)


def _assign(actions: list[AgreementAction], today: datetime.date) -> list[tuple[AgreementAction, str]]:
    """The states needing the longest history go to the actions started longest ago; the rest as PLAN."""
    wanted = sorted(PLAN, key=lambda state: -NEEDS.get(state, 0))
    plan = []
    for action in sorted(actions, key=lambda a: a.started_at):
        age = (today - timezone.localdate(action.started_at)).days
        state = next((state for state in wanted if NEEDS.get(state, 0) <= age), None)
        if state is not None:
            wanted.remove(state)
        plan.append((action, state or "drafting"))
    return plan


class _Scenario:
    def __init__(self, action: AgreementAction, *, manager: User, finance: User, today: datetime.date, city_name: str):
        self.action, self.manager, self.finance, self.today = action, manager, finance, today
        # The day the next measures are drafted on (organisation.demo.history replays it).
        self.clock = today
        self.kind = action.subject.kind
        self.clauses = CLAUSES.get(self.kind, CLAUSES["institution"]).format(city=city_name)
        self.rules = rules.rules_for(action.subject.region)
        self.improper, self.fund_loss = subject_totals(action)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def run(self, plan: str) -> None:
        getattr(self, plan)()

    # -- steps

    def add(self, kind: str, **fields) -> None:
        with history.on(self.clock):
            measure_add(action=self.action, by=self.manager, kind=kind, **fields)

    def interview(self, on: datetime.date) -> None:
        self.clock = on
        self.add(
            Kind.INTERVIEW,
            interview_on=on,
            interviewees=INTERVIEWEES.get(self.kind, "负责人"),
            summary=(
                "约谈指出核查发现的违规问题，当事人对违规事实予以确认，表示将立即组织自查自纠，"
                "规范医保结算行为，并按要求退回违规费用。"
            ),
        )

    def money(self, *, damages_multiple: int) -> None:
        recoverable = fund_refund_remaining(case=self.action.case, subject=self.action.subject)
        if recoverable > 0:
            self.add(Kind.RECOVERY, amount=recoverable)
        self.add(Kind.LIQUIDATED_DAMAGES, amount=(self.improper * damages_multiple).quantize(Decimal("0.01")))

    def issue(self, served_on: datetime.date) -> datetime.date:
        """Serve the notice; returns the last day of the statement window."""
        with history.on(served_on):
            self.action = agreement_issue_notice(
                action=self.action, by=self.manager, clauses=self.clauses, issued_on=served_on
            )
        return self.action.statement_due

    def window_due(self, served_on: datetime.date) -> datetime.date:
        return rules.statement_due(self.rules, served_on)

    def decide(self, on: datetime.date) -> None:
        with history.on(on):
            self.action = agreement_decide(action=self.action, by=self.manager, decision="confirm", decided_on=on)

    # -- the plan

    def statement_open(self) -> None:
        self.interview(self.today)
        self.add(Kind.RECTIFICATION, due_on=self.today + datetime.timedelta(days=45), summary="规范收费和病历管理")
        self.add(Kind.CRITICISM, summary="")
        self.issue(self.today)

    def statement_overdue(self) -> None:
        self.clock = self.days_ago(21)
        self.money(damages_multiple=1)
        self.issue(self.days_ago(20))

    def suspended(self) -> None:
        """Final for weeks: a 6-month suspension in force, the refund paid and half the 违约金, the
        rectification checked and passed."""
        served_on = self.days_ago(60)
        window_end = self.window_due(served_on)
        decided_on = window_end + datetime.timedelta(days=3)
        rectify_by = self.days_ago(20)
        self.interview(self.days_ago(65))
        self.money(damages_multiple=2)
        self.add(Kind.SUSPENSION, months=6, starts_on=decided_on + datetime.timedelta(days=7))
        self.add(Kind.RECTIFICATION, due_on=rectify_by, summary="规范收费行为，建立医保内部稽核制度")
        self.issue(served_on)
        with history.on(window_end):
            agreement_statement_record(
                action=self.action, by=self.manager, received_on=window_end, text=STATEMENTS["suspended"]
            )
        self.decide(decided_on)
        self.pay(paid_on=decided_on + datetime.timedelta(days=10))
        with history.on(rectify_by + datetime.timedelta(days=3)):
            self.action = agreement_check_record(
                action=self.action,
                by=self.manager,
                result="passed",
                note="现场复查：已建立医保内部稽核制度，抽查近一月结算单据未见同类违规，整改到位。",
                checked_on=rectify_by + datetime.timedelta(days=3),
            )

    def terminated(self) -> None:
        served_on = self.days_ago(45)
        decided_on = self.window_due(served_on) + datetime.timedelta(days=2)
        self.clock = self.days_ago(46)
        recoverable = fund_refund_remaining(case=self.action.case, subject=self.action.subject)
        if recoverable > 0:
            self.add(Kind.RECOVERY, amount=recoverable)
        self.add(Kind.TERMINATION, starts_on=decided_on + datetime.timedelta(days=5))
        self.issue(served_on)
        self.decide(decided_on)

    def rectification_pending(self) -> None:
        served_on = self.days_ago(30)
        window_end = self.window_due(served_on)
        self.interview(self.days_ago(32))
        self.add(
            Kind.RECTIFICATION,
            due_on=self.today + datetime.timedelta(days=10),
            summary="完善医保内部管理制度，规范收费项目对照，开展全员医保政策培训",
        )
        self.issue(served_on)
        with history.on(window_end):
            agreement_statement_record(
                action=self.action, by=self.manager, received_on=window_end, text=STATEMENTS["rectification_pending"]
            )
        self.decide(window_end + datetime.timedelta(days=2))

    def drafting(self) -> None:
        self.interview(self.today)

    def pay(self, *, paid_on: datetime.date) -> None:
        """The fund refund paid in full, half the 违约金 so far (recorded by the bureau's finance officer)."""
        for obligation in Obligation.objects.filter(
            case=self.action.case, subject=self.action.subject, agency=self.action.agency
        ):
            amount = obligation.amount_due
            if obligation.ledger == Ledger.LIQUIDATED_DAMAGES:
                amount = (amount / 2).quantize(Decimal("0.01"))
            with history.on(min(paid_on, self.today)):
                payment_record(
                    obligation=obligation,
                    by=self.finance,
                    paid_on=min(paid_on, self.today),
                    amount=amount,
                    voucher=f"JK{paid_on:%Y%m%d}{obligation.pk:04d}",
                    channel="银行转账",
                )
