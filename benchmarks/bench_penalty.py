"""Drive cases through investigation and penalty on PostgreSQL: time every step and every document's PDF.

    .venv/bin/python benchmarks/bench_penalty.py [--cases 1000] [--render 300|all] [--seed 2026] [--queries]

Drops and recreates the database named in PENALTY_DATABASE_URL (default casework_bench_penalty), installs
the demo organisation (regions, agencies, users, subjects), then opens --cases cases at 连云港's bureau
through triage (setup, not timed). Each case is then driven as its users would, one service call per step
and per transaction: assign the investigators, register evidence, add violations, submit the findings,
issue the 调查终结报告, decide the outcome (a penalty), the penalty's notice, statement, legal review and
collective discussion when required, decision, service and payments, and 结案. About 20 % are serious
(条例 Art.40 with a suspension: legal review and collective discussion), about 15 % pay late (late fee).
Cases advance one step per round, in a shuffled order, so each kind of step meets a database of about the
same size.

Steps are timed to commit with documents.services.document_render replaced by a collector: every document
is issued (numbered) but no PDF is rendered. The PDFs are then rendered and timed in a phase of their own, a
stratified sample by default (--render 300: the same share for every kind; --render all for every document),
after one untimed warm-up render per kind. Printed: steps/s, p50/p95/max and queries per step, the overall
step p95 against the goal (30 ms), the render p50/p95 per kind against its goal (300 ms), and the projected
time to render every document. --queries prints every statement of one sampled call of each step.
Also printed: how many of auditlog's set_actor receivers are left connected after the steps (nested audit
contexts used to leave one per call, and every later save got slower). Figures are printed, never asserted.
"""

import argparse
import copy
import datetime
import gc
import os
import random
import re
import sys
import time
import unicodedata
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Its own database (PENALTY_DATABASE_URL), so `make bench` keeps bench_lists.py's seeded one for --reuse.
os.environ["DATABASE_URL"] = os.getenv(
    "PENALTY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casework_bench_penalty"
)
os.environ["DEBUG"] = "0"
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models.signals import pre_save  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.bulk import recreate_database  # noqa: E402
from benchmarks.measure import GC_CLOCK, percentile  # noqa: E402
from casework import penalty_rules  # noqa: E402
from casework.deadlines import add_working_days  # noqa: E402
from casework.evidence import evidence_register  # noqa: E402
from casework.findings import violation_add  # noqa: E402
from casework.models import Case, Evidence, Lead, Subject, ViolationItem  # noqa: E402
from documents import services as document_services  # noqa: E402
from documents.kinds import kind_by_code  # noqa: E402
from documents.models import Document  # noqa: E402
from organisation.demo.agencies import PasswordSetter, ensure_regions_and_agencies, ensure_users  # noqa: E402
from organisation.demo.cities import CITIES  # noqa: E402
from organisation.demo.subjects import ensure_subjects  # noqa: E402
from organisation.models import User  # noqa: E402
from penalties import execution, services  # noqa: E402
from penalties.models import Penalty  # noqa: E402
from penalties.terms import Terms, subject_fund_loss  # noqa: E402
from workflows.investigation import investigation_assign, investigation_close, investigation_findings_done  # noqa: E402
from workflows.outcome import OutcomeChoice, case_close, outcome_decide  # noqa: E402
from workflows.triage import triage_decide, triage_start  # noqa: E402

GOAL_STEP_MS = 30
GOAL_RENDER_MS = 300
CITY = "320700"  # 连云港
SERIOUS_SHARE = 0.20
LATE_SHARE = 0.15
# Days before today the lead was received; the decision to open follows 3–14 working days later.
RECEIVED_DAYS_AGO = (75, 125)
DECISION_WORKING_DAYS = range(3, 15)
# Days before today the penalty is decided: on time as organisation.demo.penalties drive_paid, late as
# drive_paid_late (served 38 days ago, paid 5 days after the 15 days, the late fee paid since).
DECIDED_DAYS_AGO = {False: 20, True: 40}
ITEMS = [
    (Evidence.Kind.DOCUMENTARY, "住院病历及费用清单复印件", "病案室"),
    (Evidence.Kind.ELECTRONIC, "医院信息系统收费明细导出数据", "信息科机房"),
    (Evidence.Kind.AUDIOVISUAL, "现场检查执法记录仪录像", "住院部病区"),
]
FACTS = "经查，当事人在医保结算中存在{items}等违规行为，造成医疗保障基金损失人民币{loss}元。"
GROUNDS = (
    "当事人的上述行为违反了《医疗保障基金使用监督管理条例》的有关规定。"
    "鉴于当事人能够配合调查，如实陈述违法事实，依法在法定幅度内从轻处罚。"
)
CONCLUSION = (
    "经调查，当事人违反《医疗保障基金使用监督管理条例》的事实清楚，证据确实充分。"
    "建议责令退回医保基金，并依法给予行政处罚。"
)


# Measuring -------------------------------------------------------------------------------------


class QueryCounter:
    """Counts statements and their time through connection.execute_wrapper; records them when asked."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.recording: list[str] | None = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.recording is not None:
            self.recording.append(sql)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


class DocumentCollector:
    """Stands in for documents.services.document_render: keeps the ids of the documents issued."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self, *, document: Document) -> Document:
        self.ids.append(document.pk)
        return document


def actor_receivers() -> list:
    """The dispatch uids of auditlog's set_actor/set_extra_data receivers on pre_save (auditlog.context);
    none is left connected between two requests unless an audit context leaks."""
    return [key[0] for key, *_ in pre_save.receivers if isinstance(key[0], tuple) and key[0][:1] == ("set_actor",)]


@dataclass
class StepSample:
    times_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    gc_ms: list[float] = field(default_factory=list)
    documents: int = 0
    statements: list[str] | None = None  # every statement of the 5th call (printed in full with --queries)


# The cases ---------------------------------------------------------------------------------------


@dataclass
class Staff:
    clerk: User
    head: User
    inv1: User
    inv2: User
    legal: User
    director: User
    finance: User

    def fresh(self, name: str) -> User:
        """A fresh copy, as each request loads its own user: nothing cached on it carries over."""
        return copy.copy(getattr(self, name))


@dataclass
class Plan:
    case_id: int
    subject: Subject
    serious: bool
    late: bool
    evidence: int
    violations: int


def load_staff() -> Staff:
    prefix = next(city.prefix for city in CITIES if city.code == CITY)
    users = {u.username: u for u in User.objects.filter(username__startswith=f"{prefix}_")}
    return Staff(**{name: users[f"{prefix}_{name}"] for name in Staff.__dataclass_fields__})


def open_cases(n: int, staff: Staff, rng: random.Random) -> list[Plan]:
    """Register n leads and open a case on each (setup, not timed), numbered in the order of opening."""
    city = next(city for city in CITIES if city.code == CITY)
    bureau = staff.head.agency
    subjects = list(
        Subject.objects.filter(
            kind__in=(Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY), region__code__in=(city.code, city.county.code)
        ).order_by("code")
    )
    now = timezone.now()
    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    decisions = []
    for index in range(n):
        subject = subjects[index % len(subjects)] if index < len(subjects) else rng.choice(subjects)
        local = timezone.localtime(now) - datetime.timedelta(days=rng.randint(*RECEIVED_DAYS_AGO))
        received_at = local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0, microsecond=0)
        lead = triage_start(
            agency=bureau,
            source_kind=Lead.SourceKind.INSPECTION,
            title=f"{subject.name}涉嫌违规使用医保基金",
            description=f"在日常检查中，检查组发现{subject.name}存在串换项目、虚记多记费用等问题。",
            subjects=[subject],
            received_at=received_at,
            amount_estimate=Decimal(rng.randrange(50_000, 5_000_000)) / 100,
            by=staff.fresh("clerk"),
        )
        days = [add_working_days(timezone.localdate(received_at), d) for d in DECISION_WORKING_DAYS]
        day = rng.choice([d for d in days if d <= yesterday])
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59))))
        decisions.append((at, lead.pk, subject))
        if (index + 1) % 250 == 0:
            print(f"  {index + 1:,} leads registered", flush=True)
    plans = []
    for at, lead_id, subject in sorted(decisions, key=lambda d: (d[0], d[1])):
        lead = Lead.objects.get(pk=lead_id)
        case = triage_decide(lead=lead, by=staff.fresh("head"), decision="open", at=at).case
        plans.append(
            Plan(
                case_id=case.pk,
                subject=subject,
                serious=rng.random() < SERIOUS_SHARE,
                late=rng.random() < LATE_SHARE,
                evidence=rng.randint(1, 3),
                violations=rng.randint(1, 3),
            )
        )
        if len(plans) % 250 == 0:
            print(f"  {len(plans):,} cases opened", flush=True)
    return plans


def terms_for(penalty: Penalty, *, serious: bool) -> Terms:
    """organisation.demo.penalties._terms for institutions and pharmacies."""
    loss = subject_fund_loss(case=penalty.case, subject=penalty.subject)
    if serious:
        months = penalty_rules.SUSPENSION_RULES["40"].min_months
        return Terms(
            article="40", refund=loss, fine=penalty_rules.fine_range("40", fund_loss=loss)[0], suspension_months=months
        )
    return Terms(article="38", refund=loss, fine=penalty_rules.fine_range("38", fund_loss=loss)[0])


def drive(plan: Plan, staff: Staff, items: dict[str, list[ViolationItem]], rng: random.Random):
    """Yield (step name, service, its arguments) for each step of the case, in order; the caller times the call.

    What a view would load before calling the service (the case, the penalty) is read here, untimed.
    """
    today = timezone.localdate()
    case = Case.objects.get(pk=plan.case_id)
    pair = [staff.fresh("inv1"), staff.fresh("inv2")]
    yield "investigation_assign", investigation_assign, {"case": case, "by": staff.fresh("head"), "investigators": pair}

    span = min((timezone.now() - case.opened_at).total_seconds() - 3600, 20 * 86400)
    for kind, title, place in ITEMS[: plan.evidence]:
        case = Case.objects.get(pk=plan.case_id)
        arguments = {
            "case": case,
            "by": staff.fresh("inv1"),
            "kind": kind,
            "title": title,
            "collected_by": pair,
            "collected_at": case.opened_at + datetime.timedelta(seconds=rng.uniform(3600, span)),
            "place": f"{plan.subject.name}{place}",
        }
        yield "evidence_register", evidence_register, arguments

    for number in range(plan.violations):
        amount = Decimal(rng.randint(50_000, 5_000_000)) / 100
        fund_loss = (amount * Decimal(rng.choice(("0.6", "0.8", "1")))).quantize(Decimal("0.01"))
        start = today - datetime.timedelta(days=rng.randint(200, 500))
        arguments = {
            "case": Case.objects.get(pk=plan.case_id),
            "by": staff.fresh("inv1" if number % 2 == 0 else "inv2"),
            "subject": plan.subject,
            "item": rng.choice(items[plan.subject.kind]),
            "period_from": start,
            "period_to": start + datetime.timedelta(days=rng.randint(30, 150)),
            "amount": amount,
            "fund_loss": fund_loss,
            "patient_money": (amount - fund_loss).quantize(Decimal("0.01")),
            "description": "经核查医保结算数据与病历，存在该项违规行为。",
        }
        yield "violation_add", violation_add, arguments

    summary = "当事人存在虚记多记费用等违规行为，详见下表。"
    arguments = {"case": Case.objects.get(pk=plan.case_id), "by": staff.fresh("inv1"), "summary": summary}
    yield "investigation_findings_done", investigation_findings_done, arguments
    arguments = {"case": Case.objects.get(pk=plan.case_id), "by": staff.fresh("head"), "conclusion": CONCLUSION}
    yield "investigation_close", investigation_close, arguments
    choice = OutcomeChoice(penalty_subjects=[plan.subject], reasoning="根据调查终结报告认定的事实，依法给予行政处罚。")
    arguments = {"case": Case.objects.get(pk=plan.case_id), "by": staff.fresh("head"), "choice": choice}
    yield "outcome_decide", outcome_decide, arguments

    yield from drive_penalty(plan, staff, today)

    summary = "当事人已履行行政处罚决定，罚没款及退回基金全部缴清，予以结案。"
    arguments = {"case": Case.objects.get(pk=plan.case_id), "by": staff.fresh("head"), "summary": summary}
    yield "case_close", case_close, arguments


def drive_penalty(plan: Plan, staff: Staff, today: datetime.date):
    """organisation.demo.penalties _notice, _to_decision, _serve and _pay, one step at a time."""

    def load() -> Penalty:
        return Penalty.objects.select_related("case", "subject").get(case_id=plan.case_id, subject=plan.subject)

    decided_on = today - datetime.timedelta(days=DECIDED_DAYS_AGO[plan.late])
    penalty = load()
    violations = penalty.case.violations.filter(subject=penalty.subject).select_related("item")
    items = "、".join(sorted({v.item.name for v in violations}))
    loss = subject_fund_loss(case=penalty.case, subject=penalty.subject)
    arguments = {
        "penalty": penalty,
        "by": staff.fresh("inv1"),
        "terms": terms_for(penalty, serious=plan.serious),
        "facts": FACTS.format(items=items, loss=f"{loss:,.2f}"),
        "grounds": GROUNDS,
        "served_on": decided_on - datetime.timedelta(days=8),
    }
    yield "penalty_notice_issue", services.penalty_notice_issue, arguments
    arguments = {"penalty": load(), "by": staff.fresh("inv1"), "kind": Penalty.StatementKind.NONE}
    yield "penalty_statement_record", services.penalty_statement_record, arguments
    penalty = load()
    if penalty.status == Penalty.Status.LEGAL_REVIEW:
        arguments = {
            "penalty": penalty,
            "by": staff.fresh("legal"),
            "passed": True,
            "opinion": "执法主体适格，事实清楚，证据确实充分，程序合法，适用依据正确，裁量适当。",
            "reviewed_on": decided_on - datetime.timedelta(days=2),
        }
        yield "penalty_legal_review", services.penalty_legal_review, arguments
        penalty = load()
    if penalty.status == Penalty.Status.DISCUSSION:
        arguments = {
            "penalty": penalty,
            "by": staff.fresh("director"),
            "participants": "局长、分管副局长、法规科科长、基金监管科科长",
            "opinions": "与会人员一致认为本案事实清楚，同意法制审核意见。",
            "conclusion": "同意按事先告知的内容作出行政处罚决定。",
            "discussed_on": decided_on - datetime.timedelta(days=1),
        }
        yield "penalty_discuss", services.penalty_discuss, arguments
        penalty = load()
    decider = staff.fresh("director" if penalty.discussion_required else "head")
    yield "penalty_decide", services.penalty_decide, {"penalty": penalty, "by": decider, "decided_on": decided_on}
    arguments = {
        "penalty": load(),
        "by": staff.fresh("inv1"),
        "method": "direct",
        "recipient": "法定代表人",
        "served_on": decided_on + datetime.timedelta(days=2 if plan.late else 1),
    }
    yield "penalty_serve", services.penalty_serve, arguments
    # On time: everything paid 10 days ago. Late: the decision's money 18 days ago (5 days after the
    # 15 days: paying the fine records the late fee), the late fee 10 days ago.
    rounds = [(today - datetime.timedelta(days=18), True), (today - datetime.timedelta(days=10), False)]
    for paid_on, first_of_late in rounds if plan.late else rounds[1:]:
        for row in execution.obligations(load()):
            if row.balance <= 0 or (first_of_late and row.ledger == "late_fee"):
                continue
            penalty = load()
            left = [r for r in execution.obligations(penalty) if r.balance > 0 and r.pk != row.pk]
            if not left and not first_of_late:
                name = "penalty_payment_record (last: finishes)"
            elif first_of_late and row.ledger == "fine":
                name = "penalty_payment_record (fine paid late: late fee)"
            else:
                name = "penalty_payment_record"
            arguments = {
                "penalty": penalty,
                "by": staff.fresh("finance"),
                "ledger": row.ledger,
                "amount": row.balance,
                "voucher": f"缴{paid_on:%Y%m%d}{penalty.pk:05d}{row.ledger[:2].upper()}",
                "channel": "非税收入缴款书" if row.ledger != "fund_refund" else "医保基金专户",
                "paid_on": paid_on,
            }
            yield name, execution.penalty_payment_record, arguments
    penalty = load()
    if penalty.status != Penalty.Status.FINISHED:
        sys.exit(f"Penalty {penalty.pk} of case {plan.case_id} is {penalty.status} after its payments.")


def run_steps(
    plans: list[Plan], staff: Staff, rng: random.Random, counter: QueryCounter, collector: DocumentCollector, args
) -> tuple[dict[str, StepSample], float, dict[int, str]]:
    """Advance every case one step per round, in a shuffled order, until all are closed."""
    items: dict[str, list[ViolationItem]] = defaultdict(list)
    for item in ViolationItem.objects.filter(active=True).order_by("subject_kind", "number"):
        items[item.subject_kind].append(item)
    drivers = {plan.case_id: drive(plan, staff, items, random.Random(f"{args.seed}-{plan.case_id}")) for plan in plans}
    samples: dict[str, StepSample] = defaultdict(StepSample)
    document_step: dict[int, str] = {}
    started = time.perf_counter()
    total = 0
    rounds = 0
    while drivers:
        rounds += 1
        order = list(drivers)
        rng.shuffle(order)
        for case_id in order:
            try:
                name, service, arguments = next(drivers[case_id])
            except StopIteration:
                del drivers[case_id]
                continue
            sample = samples[name]
            record = sample.statements is None and len(sample.times_ms) == 4
            counter.recording = [] if record else None
            queries, sql, documents, gc_before = counter.count, counter.seconds, len(collector.ids), GC_CLOCK.total_ms
            t0 = time.perf_counter()
            service(**arguments)
            elapsed = time.perf_counter() - t0
            sample.times_ms.append(elapsed * 1000)
            sample.sql_ms.append((counter.seconds - sql) * 1000)
            sample.queries.append(counter.count - queries)
            sample.gc_ms.append(GC_CLOCK.total_ms - gc_before)
            sample.documents += len(collector.ids) - documents
            for document_id in collector.ids[documents:]:
                document_step[document_id] = name
            if record:
                sample.statements, counter.recording = counter.recording, None
            total += 1
            if total % 2000 == 0:
                print(f"  {total:,} steps, round {rounds}, {len(drivers):,} cases still open", flush=True)
    return dict(samples), time.perf_counter() - started, document_step


# Rendering ----------------------------------------------------------------------------------------


def render_sample(ids_by_kind: dict[str, list[int]], wanted: int | None, rng: random.Random) -> dict[str, list[int]]:
    """The same share of the sample for every kind (all of a kind when it has fewer), warm-up excluded."""
    if wanted is None:
        return {kind: list(ids) for kind, ids in ids_by_kind.items()}
    quota = dict.fromkeys(ids_by_kind, 0)
    left = wanted
    while left > 0:
        open_kinds = [kind for kind in quota if quota[kind] < len(ids_by_kind[kind]) - 1]
        if not open_kinds:
            break
        share = max(1, left // len(open_kinds))
        for kind in open_kinds:
            add = min(share, len(ids_by_kind[kind]) - 1 - quota[kind], left)
            quota[kind] += add
            left -= add
    # One more per kind: the first rendered of each kind is the untimed warm-up.
    return {kind: rng.sample(ids, quota[kind] + 1) for kind, ids in ids_by_kind.items()}


def render_documents(chosen: dict[str, list[int]], counter: QueryCounter) -> dict[str, StepSample]:
    samples: dict[str, StepSample] = {}
    done = 0
    total = sum(len(ids) for ids in chosen.values())
    for kind, ids in chosen.items():
        samples[kind] = StepSample()
        for index, document_id in enumerate(ids):
            document = Document.objects.get(pk=document_id)
            queries, sql, gc_before = counter.count, counter.seconds, GC_CLOCK.total_ms
            t0 = time.perf_counter()
            document_services.document_render(document=document)
            elapsed = time.perf_counter() - t0
            done += 1
            if done % 100 == 0:
                print(f"  {done:,} of {total:,} rendered", flush=True)
            if index == 0:
                continue  # warm-up: the template compiles and weasyprint loads the fonts on a kind's first render
            sample = samples[kind]
            sample.times_ms.append(elapsed * 1000)
            sample.sql_ms.append((counter.seconds - sql) * 1000)
            sample.queries.append(counter.count - queries)
            sample.gc_ms.append(GC_CLOCK.total_ms - gc_before)
    return samples


# Printing -----------------------------------------------------------------------------------------

STEP_ORDER = [
    "investigation_assign",
    "evidence_register",
    "violation_add",
    "investigation_findings_done",
    "investigation_close",
    "outcome_decide",
    "penalty_notice_issue",
    "penalty_statement_record",
    "penalty_legal_review",
    "penalty_discuss",
    "penalty_decide",
    "penalty_serve",
    "penalty_payment_record",
    "penalty_payment_record (fine paid late: late fee)",
    "penalty_payment_record (last: finishes)",
    "case_close",
]


SAVEPOINT = ("SAVEPOINT", "RELEASE SAVEPOINT")


def shape(sql: str) -> str:
    """A statement with its literals and placeholders replaced, to count repeats of one query."""
    sql = re.sub(r'"s\d+_x\d+"', '"s…"', sql)  # savepoint names
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    sql = re.sub(r"%s", "?", sql)
    sql = re.sub(r"\((?:\?, )+\?\)", "(?…)", sql)
    return sql


def pad(text: str, width: int) -> str:
    """Left-align text in width terminal columns, CJK characters counting two."""
    return text + " " * max(0, width - sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))


def print_steps(samples: dict[str, StepSample], wall_seconds: float, cases: int) -> None:
    names = [n for n in STEP_ORDER if n in samples] + sorted(set(samples) - set(STEP_ORDER))
    all_times = [t for s in samples.values() for t in s.times_ms]
    all_without_gc = [t - g for s in samples.values() for t, g in zip(s.times_ms, s.gc_ms, strict=True)]
    step_seconds = sum(all_times) / 1000
    print("\nSteps, timed to commit, PDF rendering deferred (ms; queries per call; docs = documents issued)")
    print(
        f"  {'step':<50} {'calls':>6} {'p50':>7} {'p95':>7} {'max':>7} {'p95-gc':>7} {'gc':>4} "
        f"{'SQL p50':>7} {'queries p50 (max)':>17} {'docs':>5}  p95 ÷ goal"
    )
    for name in names:
        s = samples[name]
        without_gc = [t - g for t, g in zip(s.times_ms, s.gc_ms, strict=True)]
        p95 = percentile(s.times_ms, 95)
        print(
            f"  {name:<50} {len(s.times_ms):>6,} {percentile(s.times_ms, 50):>7.1f} {p95:>7.1f} "
            f"{max(s.times_ms):>7.1f} {percentile(without_gc, 95):>7.1f} {sum(1 for g in s.gc_ms if g):>4} "
            f"{percentile(s.sql_ms, 50):>7.1f} {percentile(s.queries, 50):>9.0f} ({max(s.queries):>4}) "
            f"{s.documents:>5}  {p95 / GOAL_STEP_MS:.2f}×{'  MISSES' if p95 > GOAL_STEP_MS else ''}"
        )
    p95 = percentile(all_times, 95)
    print(
        f"\n  cases {cases:,}; steps {len(all_times):,} ({len(all_times) / cases:.1f} per case); "
        f"time in steps {step_seconds:.1f} s; step phase wall time {wall_seconds:.1f} s (with the untimed loads "
        "between steps)"
    )
    print(
        f"  steps/s {len(all_times) / step_seconds:.1f} (one process, back to back); "
        f"queries per step mean {sum(sum(s.queries) for s in samples.values()) / len(all_times):.1f}"
    )
    print(
        f"  every step: p50 {percentile(all_times, 50):.1f} ms, p95 {p95:.1f} ms "
        f"(goal < {GOAL_STEP_MS} ms: {p95 / GOAL_STEP_MS:.2f}×), "
        f"p95 without GC {percentile(all_without_gc, 95):.1f} ms, max {max(all_times):.1f} ms"
    )


def print_statements(samples: dict[str, StepSample], *, every: bool) -> None:
    """Repeated statements of one sampled call per step (N+1 candidates); all of them with --queries."""
    print("\nStatements repeated within one call of a step (the 5th call of each; shapes with literals removed)")
    for name in [n for n in STEP_ORDER if n in samples]:
        statements = samples[name].statements
        if not statements:
            continue
        counts = Counter(shape(sql) for sql in statements)
        savepoints = sum(n for sql, n in counts.items() if sql.startswith(SAVEPOINT))
        repeated = [(n, sql) for sql, n in counts.most_common() if n > 1 and not sql.startswith(SAVEPOINT)]
        print(f"  {name}: {len(statements)} statements ({savepoints} SAVEPOINT/RELEASE), {len(counts)} distinct")
        for n, sql in repeated if not every else [(n, sql) for sql, n in counts.items()]:
            print(f"    {n:>3}× {sql[:220]}")


def print_renders(
    samples: dict[str, StepSample], issued: Counter, setup_kinds: set[str], rendered_all: bool, issued_by_step: Counter
) -> None:
    print("\nDocuments issued (numbered) per kind, and the step that issued them")
    for kind, n in issued.most_common():
        steps = ", ".join(f"{step} {count:,}" for (k, step), count in issued_by_step.items() if k == kind)
        print(f"  {kind_by_code(kind).title} ({kind}): {n:,}  [{steps}]")
    print(f"  all: {sum(issued.values()):,}")
    note = "every document" if rendered_all else "stratified sample, the same number per kind"
    print(f"\nPDF render, after commit ({note}; one untimed warm-up render per kind)")
    print(
        f"  {'kind':<40} {'timed':>6} {'p50':>7} {'p95':>7} {'max':>7} {'mean':>7} {'queries':>7}  "
        f"p95 ÷ goal  projected for all {'':>3}"
    )
    projected = 0.0
    times = []
    for kind, s in samples.items():
        if not s.times_ms:
            continue
        mean = sum(s.times_ms) / len(s.times_ms)
        projected += mean * issued[kind] / 1000
        times += s.times_ms
        p95 = percentile(s.times_ms, 95)
        label = kind_by_code(kind).title + (" (setup)" if kind in setup_kinds else "")
        print(
            f"  {pad(label, 40)} {len(s.times_ms):>6,} {percentile(s.times_ms, 50):>7.1f} {p95:>7.1f} "
            f"{max(s.times_ms):>7.1f} {mean:>7.1f} {percentile(s.queries, 50):>7.0f}  "
            f"{p95 / GOAL_RENDER_MS:>6.2f}×{'  MISSES' if p95 > GOAL_RENDER_MS else '':<8} "
            f"{mean * issued[kind] / 60_000:>6.1f} min"
        )
    p95 = percentile(times, 95)
    print(
        f"  sample of {len(times):,}: p50 {percentile(times, 50):.1f} ms, p95 {p95:.1f} ms (goal < {GOAL_RENDER_MS} "
        f"ms: {p95 / GOAL_RENDER_MS:.2f}×), max {max(times):.1f} ms"
    )
    print(
        f"  projected to render all {sum(issued.values()):,} documents in one process: {projected / 60:.1f} min "
        f"({sum(issued.values()) / projected:.1f} documents/s)"
    )


# Main ---------------------------------------------------------------------------------------------


def setup(args, rng: random.Random, collector: DocumentCollector) -> tuple[Staff, list[Plan]]:
    started = time.perf_counter()
    name = recreate_database()
    with transaction.atomic():
        agencies = ensure_regions_and_agencies()
        ensure_users(agencies, PasswordSetter("bench-penalty"))
    with transaction.atomic():
        ensure_subjects()
    staff = load_staff()
    print(f"Created database {name}; opening {args.cases:,} cases at {staff.head.agency.name}…", flush=True)
    plans = open_cases(args.cases, staff, rng)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"Setup in {time.perf_counter() - started:.1f} s: {len(plans):,} cases opened "
        f"({sum(p.serious for p in plans):,} serious, {sum(p.late for p in plans):,} paying late), "
        f"{len(collector.ids):,} documents issued in triage",
        flush=True,
    )
    return staff, plans


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    collector = DocumentCollector()
    real_render = document_services.document_render
    # The on_commit lambda in document_issue looks document_render up in the module when it runs.
    document_services.document_render = collector
    try:
        staff, plans = setup(args, rng, collector)
        setup_ids = list(collector.ids)
        counter = QueryCounter()
        print(f"\nDriving {len(plans):,} cases, one step per case per round…", flush=True)
        with connection.execute_wrapper(counter):
            samples, wall, document_step = run_steps(plans, staff, rng, counter, collector, args)
    finally:
        document_services.document_render = real_render
    print_steps(samples, wall, len(plans))
    print(f"  pre_save receivers left by auditlog's set_actor after the step phase: {len(actor_receivers()):,}")
    print_statements(samples, every=args.queries)

    kinds = dict(Document.objects.filter(pk__in=collector.ids).values_list("pk", "kind"))
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for document_id in collector.ids:
        ids_by_kind[kinds[document_id]].append(document_id)
    issued = Counter({kind: len(ids) for kind, ids in ids_by_kind.items()})
    issued_by_step = Counter(
        (kinds[d], document_step.get(d, "triage_decide (setup)")) for d in collector.ids if d in kinds
    )
    setup_kinds = {kinds[d] for d in setup_ids}
    wanted = None if args.render == "all" else int(args.render)
    chosen = render_sample(ids_by_kind, wanted, rng)
    print(f"\nRendering {sum(len(ids) for ids in chosen.values()):,} PDFs…", flush=True)
    gc.collect()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        renders = render_documents(chosen, counter)
    print_renders(renders, issued, setup_kinds, wanted is None, issued_by_step)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(
        f"\nDatabase {size}: {Case.objects.filter(status=Case.Status.CLOSED).count():,} cases closed, "
        f"{Penalty.objects.filter(status=Penalty.Status.FINISHED).count():,} penalties finished, "
        f"{Document.objects.count():,} documents ({Document.objects.exclude(sha256='').count():,} rendered)"
    )
    print(
        f"Load average (1/5/15 min) at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"Total runtime: {time.perf_counter() - started:.1f} s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000, help="cases driven to 结案 (default 1,000)")
    parser.add_argument(
        "--render",
        default="300",
        help="PDFs timed: a number for a stratified sample, the same for every kind (default 300), or 'all'",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the generated data")
    parser.add_argument("--queries", action="store_true", help="print every statement of one call of each step")
    args = parser.parse_args()
    if args.render != "all" and not (args.render.isdigit() and int(args.render) > 0):
        parser.error("--render takes a positive number or 'all'")
    return args


if __name__ == "__main__":
    main()
