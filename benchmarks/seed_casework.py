"""Leads over the past two years and the cases opened from them, generated in Python and COPYed in.

Statuses follow age: most leads younger than three weeks are pending, older ones are decided
(dismissed, merged or opened). Each opened lead has its case, numbered per agency and year
(连医保立〔2025〕123号), with the lead's subjects and an open penalty_decision deadline.
"""

import bisect
import datetime
import random
from collections import Counter, defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from benchmarks.bulk import copy_rows
from casework import rules
from casework.deadlines import add_days, add_working_days
from casework.models import Case, Deadline, Lead
from documents.kinds import format_number
from organisation.models import NumberSequence

if TYPE_CHECKING:
    from benchmarks.seed import Org

SOURCE_KINDS = [
    (Lead.SourceKind.REPORT, 30),
    (Lead.SourceKind.SCREEN_HIT, 40),
    (Lead.SourceKind.INSPECTION, 20),
    (Lead.SourceKind.ASSIST_REQUEST, 5),
    (Lead.SourceKind.SUPERIOR, 5),
]
HISTORY_DAYS = 730
RECENT_DAYS = 21  # leads younger than this are mostly still pending
DISMISS_REASON = "经核查，未发现违法违规使用医保基金的事实，决定不予立案。"


def build_leads_and_cases(org: "Org", n_leads: int, n_cases: int, rng: random.Random):
    """Leads over the past two years and the cases opened from them, as COPY-ready dicts."""
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    deadline_for: dict[datetime.date, datetime.date] = {}
    sources = [k for k, _ in SOURCE_KINDS]
    source_weights = [w for _, w in SOURCE_KINDS]
    agency_ids = rng.choices([a.pk for a in org.agencies], org.shares, k=n_leads)
    ages = sorted((rng.uniform(0, HISTORY_DAYS * 86400) for _ in range(n_leads)), reverse=True)
    leads = []
    for pk, (agency_id, age) in enumerate(zip(agency_ids, ages, strict=True), start=1):
        received_at = now - datetime.timedelta(seconds=age)
        received_on = received_at.astimezone(tz).date()
        if received_on not in deadline_for:
            deadline_for[received_on] = add_working_days(received_on, rules.CASE_DECISION_WORKING_DAYS)
        pending = rng.random() < (0.9 if age < RECENT_DAYS * 86400 else 0.03)
        decided_at = None
        if not pending:
            decided_at = min(
                received_at + datetime.timedelta(days=rng.uniform(0.5, 20)), now - datetime.timedelta(hours=1)
            )
        leads.append(
            {
                "id": pk,
                "agency": agency_id,
                "source_kind": rng.choices(sources, source_weights)[0],
                "status": Lead.Status.PENDING if pending else Lead.Status.DISMISSED,
                "subjects": rng.sample(org.subjects_by_agency[agency_id], rng.choice((1, 1, 2))),
                "amount_estimate": Decimal(rng.randrange(1_000_00, 5_000_000_00)) / 100 if rng.random() < 0.7 else None,
                "received_at": received_at,
                "deadline": deadline_for[received_on],
                "case": None,
                "decided_at": decided_at,
            }
        )
    decided = [lead for lead in leads if lead["decided_at"] is not None]
    opened = sorted(rng.sample(decided, min(n_cases, len(decided))), key=lambda lead: lead["decided_at"])
    cases = _open_cases(opened, org, tz, rng)
    _merge_some(decided, cases, rng)
    return leads, cases


def _open_cases(opened: list[dict], org: "Org", tz, rng: random.Random) -> list[dict]:
    prefixes = {a.pk: a.number_prefix for a in org.agencies}
    sequences = Counter()
    cases = []
    for pk, lead in enumerate(opened, start=1):
        opened_at = lead["decided_at"]
        year = opened_at.astimezone(tz).year
        sequences[(lead["agency"], year)] += 1
        sequence = sequences[(lead["agency"], year)]
        roll = rng.random()
        status = (
            Case.Status.WITHDRAWN if roll < 0.02 else (Case.Status.OPENED if roll < 0.32 else Case.Status.INVESTIGATING)
        )
        cases.append(
            {
                "id": pk,
                "agency": lead["agency"],
                "year": year,
                "sequence": sequence,
                "status": status,
                "number": format_number(
                    prefix=prefixes[lead["agency"]], abbreviation="立", year=year, sequence=sequence
                ),
                "opened_at": opened_at,
                "opened_on": opened_at.astimezone(tz).date(),
                "subjects": set(lead["subjects"]),
                "lead": lead,
            }
        )
        lead["status"], lead["case"] = Lead.Status.OPENED, pk
    return cases


def _merge_some(decided: list[dict], cases: list[dict], rng: random.Random) -> None:
    """Merge ~6% of the dismissed leads into an earlier case of their agency (并案)."""
    by_agency = defaultdict(list)
    for case in cases:
        by_agency[case["agency"]].append(case)
    opened_at = {agency: [c["opened_at"] for c in agency_cases] for agency, agency_cases in by_agency.items()}
    for lead in decided:
        if lead["status"] != Lead.Status.DISMISSED or rng.random() >= 0.06:
            continue
        earlier = bisect.bisect_left(opened_at.get(lead["agency"], []), lead["decided_at"])
        if earlier == 0:
            continue
        case = by_agency[lead["agency"]][rng.randrange(earlier)]
        if case["status"] == Case.Status.WITHDRAWN:
            continue
        lead["status"], lead["case"] = Lead.Status.MERGED, case["id"]
        case["subjects"].update(lead["subjects"])


def write_cases_and_leads(org: "Org", leads: list[dict], cases: list[dict], subject_names: dict[int, str]) -> None:
    sources = dict(Lead.SourceKind.choices)
    case_rows, case_subject_rows, deadline_rows = [], [], []
    for case in cases:
        lead, head = case["lead"], org.heads[case["agency"]]
        case_rows.append(
            (
                case["id"],
                case["agency"],
                case["number"],
                case["year"],
                case["sequence"],
                _lead_title(lead, sources, subject_names),
                _lead_description(lead),
                case["status"],
                case["opened_at"],
                head.pk,
                "违规事实不成立，撤销立案。" if case["status"] == "withdrawn" else "",
            )
        )
        case_subject_rows.extend((case["id"], subject) for subject in sorted(case["subjects"]))
        closed_on = case["opened_on"] + datetime.timedelta(days=30) if case["status"] == "withdrawn" else None
        deadline_rows.append(
            (
                case["id"],
                "penalty_decision",
                add_days(case["opened_on"], rules.PENALTY_DECISION_DAYS),
                rules.PENALTY_DECISION_BASIS,
                closed_on,
            )
        )
    copy_rows(
        Case,
        [
            "id",
            "agency",
            "number",
            "year",
            "sequence",
            "title",
            "summary",
            "status",
            "opened_at",
            "opened_by",
            "status_reason",
        ],
        case_rows,
    )
    copy_rows(Case.subjects.through, ["case", "subject"], case_subject_rows)
    copy_rows(Deadline, ["case", "step", "due", "basis", "closed_on"], deadline_rows)

    lead_rows, lead_subject_rows = [], []
    for lead in leads:
        head = org.heads[lead["agency"]]
        decided = lead["decided_at"] is not None
        lead_rows.append(
            (
                lead["id"],
                lead["agency"],
                lead["source_kind"],
                lead["status"],
                _lead_title(lead, sources, subject_names),
                _lead_description(lead),
                lead["amount_estimate"],
                lead["received_at"],
                lead["deadline"],
                head.pk,
                lead["case"],
                DISMISS_REASON if lead["status"] == Lead.Status.DISMISSED else "",
                head.pk if decided else None,
                lead["decided_at"],
            )
        )
        lead_subject_rows.extend((lead["id"], subject) for subject in lead["subjects"])
    copy_rows(
        Lead,
        [
            "id",
            "agency",
            "source_kind",
            "status",
            "title",
            "description",
            "amount_estimate",
            "received_at",
            "deadline",
            "registered_by",
            "case",
            "decision_reason",
            "decided_by",
            "decided_at",
        ],
        lead_rows,
    )
    copy_rows(Lead.subjects.through, ["lead", "subject"], lead_subject_rows)
    _seed_case_number_sequences(cases)


def _lead_title(lead: dict, sources: dict, subject_names: dict[int, str]) -> str:
    return f"{sources[lead['source_kind']]}：{subject_names[lead['subjects'][0]]}涉嫌违规使用医保基金"


def _lead_description(lead: dict) -> str:
    return (
        f"线索反映检查对象存在串换项目、重复收费等问题，涉及金额约{lead['amount_estimate'] or '待核实'}元。"
        "请按《医疗保障基金使用监督管理条例》核查。"
    )


def _seed_case_number_sequences(cases: list[dict]) -> None:
    """Continue each agency's case numbers after the seeded ones, so a real 立案 gets a fresh number."""
    last = Counter()
    for case in cases:
        key = (case["agency"], case["year"])
        last[key] = max(last[key], case["sequence"])
    NumberSequence.objects.bulk_create(
        [NumberSequence(agency_id=agency, series="case", year=year, last=n) for (agency, year), n in last.items()]
    )
