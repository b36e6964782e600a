"""Register and triage each city's demo leads, opening cases in every state."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from casework import rules
from casework.deadlines import add_working_days
from casework.models import Case, Lead, Subject
from casework.services import case_start_investigation, case_withdraw
from intake.models import Report
from organisation.demo.cities import City
from organisation.demo.evidence import seed_evidence
from organisation.demo.findings import seed_findings
from organisation.demo.history import on
from organisation.demo.lead_texts import (
    DISMISS_REASONS,
    INSPECTIONS,
    ISSUES,
    PERSON_LABELS,
    REPORT_CHANNELS,
    REPORT_EVIDENCE,
    WITHDRAW_REASONS,
    Issue,
)
from organisation.demo.outcomes import seed_outcomes
from organisation.demo.reports import CHANNEL_OF, ReportSeeder
from organisation.demo.screening import send_screening_batch
from organisation.models import Agency, User
from workflows.investigation import investigation_assign
from workflows.triage import triage_decide, triage_start

LEAD_SEED = 2026_0101
# How many leads of each outcome per city; together about 30.
PLAN = {"opened": 4, "investigating": 20, "withdrawn": 2, "merged": 3, "dismissed": 6, "overdue": 5, "pending": 6}
# Cases under investigation that were opened over 90 days ago, so their penalty decision is overdue.
LATE_CASES = 3
# Cases under investigation whose report is not yet issued.
STILL_INVESTIGATING = 4
# A decided case's investigation: assigned a day after opening; evidence, findings and report within days.
INVESTIGATION_STEP = datetime.timedelta(days=1)
# A decision is taken this many working days after receipt, by yesterday at the latest.
DECISION_WORKING_DAYS = range(3, 15)
# Days before today each kind of lead was received. Every window leaves at least three working days
# for its decision, even across the Spring Festival; a "case" decided within them is not yet overdue.
RECEIVED_DAYS_AGO = {
    "late_case": (110, 130),
    "case": (40, 85),
    # Cases whose investigation is over: old enough for their penalty and agreement steps to have run.
    "decided_case": (75, 125),
    "merged": (15, 35),
    "dismissed": (20, 115),
    "overdue": (32, 110),
    "pending": (1, 9),
}
SOURCE_WEIGHTS = {
    Lead.SourceKind.REPORT: 35,
    Lead.SourceKind.SCREEN_HIT: 25,
    Lead.SourceKind.INSPECTION: 20,
    Lead.SourceKind.ASSIST_REQUEST: 10,
    Lead.SourceKind.SUPERIOR: 10,
}
KIND_WEIGHTS = {
    Subject.Kind.INSTITUTION: 40,
    Subject.Kind.PHARMACY: 30,
    Subject.Kind.INSURED: 20,
    Subject.Kind.PRACTITIONER: 10,
}


class LeadSeeder:
    """Register and triage one city's leads so that every lead and case status occurs."""

    def __init__(self, city: City, bureau: Agency):
        self.city, self.bureau = city, bureau
        self.rng = random.Random(f"{LEAD_SEED}-{city.code}")
        self.now = timezone.now()
        self.yesterday = timezone.localdate(self.now) - datetime.timedelta(days=1)
        users = {u.username: u for u in User.objects.filter(username__startswith=f"{city.prefix}_")}
        self.clerk, self.head = users[f"{city.prefix}_clerk"], users[f"{city.prefix}_head"]
        self.investigator = users[f"{city.prefix}_inv1"]
        self.investigator2 = users[f"{city.prefix}_inv2"]
        self.reports = ReportSeeder(self.rng, bureau, self.clerk)
        regions = [city.code, city.county.code]
        self.pools = {
            kind: self._shuffled(Subject.objects.filter(kind=kind, region__code__in=regions)) for kind in KIND_WEIGHTS
        }

    def _shuffled(self, queryset) -> list[Subject]:
        subjects = list(queryset.order_by("code"))
        self.rng.shuffle(subjects)
        return subjects

    def run(self) -> None:
        investigating, opened = PLAN["investigating"], PLAN["opened"]
        # All but the first four cases under investigation have their report issued and an outcome.
        decided = range(STILL_INVESTIGATING, investigating)
        cases = self._open_cases(investigating + opened + PLAN["withdrawn"], decided)
        # The late cases come first. The withdrawn ones: the first never left "opened", the others
        # were under investigation.
        withdrawn = cases[investigating + opened :]
        pair = (self.investigator, self.investigator2)
        for index, case in enumerate(cases[:investigating]):
            # The decided cases' histories are replayed on their dates (organisation.demo.history).
            with on(case.opened_at + INVESTIGATION_STEP if index in decided else timezone.now()):
                investigation_assign(case=case, by=self.head, investigators=pair)
        for case in withdrawn[1:]:
            case_start_investigation(case=case, by=self.investigator)
        decided_cases = [cases[index] for index in decided]
        seed_evidence(cases[:investigating], rng=self.rng, pair=pair, head=self.head, replayed=decided_cases)
        closed = seed_findings(
            cases[:investigating], rng=self.rng, pair=pair, head=self.head, close=len(decided), replayed=decided_cases
        )
        seed_outcomes(closed, head=self.head, police=Agency.objects.get(code=f"{self.city.code}-police"))
        for case, reason in zip(withdrawn, WITHDRAW_REASONS, strict=True):
            case_withdraw(case=case, by=self.head, reason=reason)
        for index in range(PLAN["merged"]):
            self._merge_into(cases[index % LATE_CASES])
        for _ in range(PLAN["dismissed"]):
            lead = self._register(days_ago=self._days_ago("dismissed"))
            at = self._decided_at(lead, latest_on=self.yesterday)
            with on(at):  # the 不予立案告知书 is dated the day of the decision
                triage_decide(lead=lead, by=self.head, decision="dismiss", reason=self._dismiss_reason(lead), at=at)
        for _ in range(PLAN["overdue"]):
            self._register(days_ago=self._days_ago("overdue"))
        for _ in range(PLAN["pending"]):
            self._register(days_ago=self._days_ago("pending"))
        self.reports.follow_up(head=self.head)
        self.screening = send_screening_batch(self.city, self.rng)

    def _open_cases(self, count: int, decided: range) -> list[Case]:
        """Open count cases, the first LATE_CASES over 90 days ago, those in `decided` long enough ago for
        their outcome to have run; numbers follow the opening dates."""
        late_by = self.yesterday - datetime.timedelta(days=rules.PENALTY_DECISION_DAYS)
        decisions = []
        for index in range(count):
            late = index < LATE_CASES
            kind = "late_case" if late else "decided_case" if index in decided else "case"
            lead = self._register(days_ago=self._days_ago(kind))
            decisions.append((self._decided_at(lead, latest_on=late_by if late else self.yesterday), lead))
        cases = {}
        for at, lead in sorted(decisions, key=lambda decision: decision[0]):
            with on(at):  # the 立案审批表 is dated the day of the decision
                cases[lead.pk] = triage_decide(lead=lead, by=self.head, decision="open", at=at).case
        return [cases[lead.pk] for _, lead in decisions]

    def _merge_into(self, case: Case) -> None:
        """A lead received since the case was opened, on one of its subjects, merged into it (并案)."""
        subject = case.subjects.order_by("pk").first()
        lead = self._register(days_ago=self._days_ago("merged"), subject=subject)
        at = self._decided_at(lead, latest_on=self.yesterday)
        with on(at):
            triage_decide(lead=lead, by=self.head, decision="merge", case=case, at=at)

    def _days_ago(self, kind: str) -> int:
        return self.rng.randint(*RECEIVED_DAYS_AGO[kind])

    def _decided_at(self, lead: Lead, *, latest_on: datetime.date) -> datetime.datetime:
        """A moment in office hours DECISION_WORKING_DAYS after receipt, on latest_on or before."""
        received_on = timezone.localdate(lead.received_at)
        days = [add_working_days(received_on, n) for n in DECISION_WORKING_DAYS]
        day = self.rng.choice([d for d in days if d <= latest_on])
        time = datetime.time(self.rng.randint(8, 17), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.datetime.combine(day, time))

    def _register(self, *, days_ago: int, subject: Subject | None = None) -> Lead:
        subject = subject or self._next_subject()
        source = self.rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]
        issue = self.rng.choice([issue for issue in ISSUES[subject.kind] if _fits(issue.fits, subject)])
        subjects = [subject] + ([subject.institution] if subject.institution_id else [])
        amount = Decimal(self.rng.randrange(issue.low * 100, issue.high * 100)) / 100
        amount = None if source == Lead.SourceKind.REPORT and self.rng.random() < 0.3 else amount
        description, channel, origin = self._description(source, subject, issue)
        received_at = self._received_at(days_ago)
        # Registered the day it was received: the triage task and any notice carry that date.
        with on(received_at + datetime.timedelta(minutes=10)):
            if channel:
                lead = self.reports.receive(
                    channel=channel,
                    origin=origin,
                    subject=subject,
                    description=description,
                    received_at=received_at,
                    amount=amount,
                )
                lead.subjects.add(*subjects)
                return lead
            return triage_start(
                agency=self.bureau,
                source_kind=source,
                title=_title(source, subject, issue),
                description=description,
                subjects=subjects,
                received_at=received_at,
                amount_estimate=amount,
                by=self.clerk,
            )

    def _next_subject(self) -> Subject:
        kind = self.rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        return self.pools[kind].pop()

    def _description(self, source: str, subject: Subject, issue: Issue) -> tuple[str, str, str]:
        """The lead's text, and for reports (举报, 交办, 协查) the channel it came by and who sent it."""
        name = _label(subject) + subject.name
        if subject.kind == Subject.Kind.PRACTITIONER and subject.institution_id:
            name = f"{name}（{subject.institution.name}）"
        body = issue.detail.format(name=name, n=self.rng.randint(3, 40))
        rng = self.rng
        if source == Lead.SourceKind.REPORT:
            evidence = rng.choice(REPORT_EVIDENCE[subject.kind])
            channel = rng.choice(REPORT_CHANNELS)
            return f"举报人通过{channel}反映：{body}举报人提供了{evidence}。", CHANNEL_OF[channel], ""
        if source == Lead.SourceKind.SCREEN_HIT:
            return f"智能监控系统规则“{issue.rule}”命中疑点数据：{body}", "", ""
        if source == Lead.SourceKind.INSPECTION:
            return f"在{rng.choice(INSPECTIONS)}中，检查组发现：{body}已调取相关结算数据和原始凭证。", "", ""
        if source == Lead.SourceKind.ASSIST_REQUEST:
            bureau, mechanism = rng.choice(self.city.neighbours)
            origin = f"{bureau}（{mechanism}）"
            return f"{bureau}通过{mechanism}发来协查函，请求核查：{body}", Report.Channel.ASSIST_REQUEST, origin
        origin = f"江苏省医疗保障局 苏医保交〔{self.now.year}〕{rng.randint(2, 40)}号"
        text = f"江苏省医疗保障局交办：{body}请依法核查处理，并按期报送处理结果。"
        return text, Report.Channel.SUPERIOR, origin

    def _dismiss_reason(self, lead: Lead) -> str:
        kind = lead.subjects.order_by("pk").first().kind
        return self.rng.choice([reason for kinds, reason in DISMISS_REASONS if kinds is None or kind in kinds])

    def _received_at(self, days_ago: int) -> datetime.datetime:
        local = timezone.localtime(self.now) - datetime.timedelta(days=days_ago)
        moment = local.replace(hour=self.rng.randint(8, 17), minute=self.rng.randint(0, 59), second=0, microsecond=0)
        return min(moment, self.now - datetime.timedelta(minutes=5))


def _fits(tag: str, subject: Subject) -> bool:
    outpatient_only = {"诊所", "中医诊所", "口腔诊所", "门诊部", "社区卫生服务中心"}
    checks = {
        "beds": lambda: subject.category not in outpatient_only,
        "private": lambda: subject.ownership == Subject.Ownership.PRIVATE and subject.category not in outpatient_only,
        "large": lambda: subject.level in {Subject.Level.TERTIARY, Subject.Level.SECONDARY},
        "doctor": lambda: subject.profession == Subject.Profession.DOCTOR,
        "pharmacist": lambda: subject.profession == Subject.Profession.PHARMACIST,
    }
    return checks.get(tag, lambda: True)()


def _label(subject: Subject) -> str:
    """参保人员 / 医保医师 / 医保药师 before a person's name; nothing before an organisation's."""
    return PERSON_LABELS.get(subject.kind) or PERSON_LABELS.get(subject.profession, "")


def _title(source: str, subject: Subject, issue: Issue) -> str:
    text = f"{_label(subject)}{subject.name}{issue.title}"
    prefixes = {
        Lead.SourceKind.SCREEN_HIT: "智能监控疑点：",
        Lead.SourceKind.ASSIST_REQUEST: "协查：",
        Lead.SourceKind.SUPERIOR: "上级交办：",
    }
    return prefixes.get(source, "") + text
