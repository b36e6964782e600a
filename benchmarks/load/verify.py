"""After the load run: count rows against what the server acknowledged. Nothing lost, nothing written
twice, and the writes cut by the killed worker either whole or absent."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from viewflow.workflow.models import Task

from casework.models import Lead
from casework.models.leads import LeadGroupObjectPermission
from intake.models import ScreenHit
from referrals.models import Referral, ReferralEvent
from workflows.referral import ReferralFlow, pending_task
from workflows.tasks import OPEN_TASK_STATUSES
from workflows.triage import TriageFlow

Status = Referral.Status
EVENT_OF = {"accept": "accepted", "reject": "rejected"}
STATUS_OF = {"accept": Status.ACCEPTED, "reject": Status.REJECTED}


@dataclass
class Check:
    name: str
    expected: object
    found: object
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.expected == self.found and not self.problems


def verify(results: dict, pool: dict) -> list[Check]:
    return [*_screen_hits(results), *_leads(), *_referrals(results, pool)]


def _screen_hits(results: dict) -> list[Check]:
    source = f"load-{results['run']}"
    stored = set(ScreenHit.objects.filter(source=source).values_list("external_id", flat=True))
    acknowledged = {i for batch in results["batches"] for i in batch["external_ids"]}
    created = sum(batch["created"] for batch in results["batches"])
    problems = []
    committed_cut = 0
    for batch in (cut for cut in results["cut_posts"] if cut["kind"] == "batch"):
        present = sum(1 for i in batch["external_ids"] if i in stored)
        if present not in (0, len(batch["external_ids"])):
            problems.append(f"cut batch half-written: {present} of {len(batch['external_ids'])} hits stored")
        committed_cut += present
    lost = acknowledged - stored
    if lost:
        problems.append(f"{len(lost)} acknowledged hits missing, e.g. {sorted(lost)[:3]}")
    return [
        Check(
            "screen hits stored = created in 200 responses + whole cut batches",
            created + committed_cut,
            len(stored),
            problems,
        ),
        Check("acknowledged hits missing", 0, len(lost)),
    ]


def _leads() -> list[Check]:
    """Every lead has its grants and, while pending, its open triage task: none half-registered."""
    grants = LeadGroupObjectPermission.objects.filter(content_object_id=OuterRef("pk"))
    open_triage = Task.objects.filter(
        process__triageprocess__lead=OuterRef("pk"), flow_task=TriageFlow.triage, status__in=OPEN_TASK_STATUSES
    )
    leads = Lead.objects.annotate(granted=Exists(grants), queued=Exists(open_triage))
    return [
        Check("leads without object permissions", 0, leads.filter(granted=False).count()),
        Check(
            "pending leads without an open triage task",
            0,
            leads.filter(status=Lead.Status.PENDING, queued=False).count(),
        ),
    ]


def _referrals(results: dict, pool: dict) -> list[Check]:
    ids = [i for city_ids in pool["referrals"].values() for i in city_ids]
    referrals = {r.pk: r for r in Referral.objects.filter(pk__in=ids)}
    events = Counter(
        (row["referral_id"], row["kind"])
        for row in ReferralEvent.objects.filter(referral_id__in=ids).values("referral_id", "kind")
    )
    won = defaultdict(list)
    answers = defaultdict(list)
    for decision in results["decisions"]:
        answers[decision["referral"]].append(decision)
        if decision["status"] == 200:
            won[decision["referral"]].append(decision["action"])
    cut = {c["referral"] for c in results["cut_posts"] if c["kind"] == "decision"}

    twice, mismatched, half = [], [], []
    for pk, referral in referrals.items():
        decided = events[(pk, "accepted")] + events[(pk, "rejected")]
        if decided > 1 or events[(pk, "received")] > 1 or len(won[pk]) > 1:
            twice.append(pk)
        if won[pk]:
            action = won[pk][0]
            if referral.status != STATUS_OF[action] or events[(pk, EVENT_OF[action])] != 1:
                mismatched.append(pk)
        if not _whole(referral, decided):
            half.append(pk)
        if not won[pk] and pk not in cut and decided:
            mismatched.append(pk)  # a decision stored that no 200 acknowledged and no cut explains
    contested = [pk for pk, rows in answers.items() if len(rows) == 2]
    contest_results = Counter(tuple(sorted(row["status"] for row in answers[pk])) for pk in contested)
    decided_total = sum(1 for r in referrals.values() if r.status in (Status.ACCEPTED, Status.REJECTED))
    acknowledged = sum(1 for pk in won if won[pk])
    committed_cut = sum(1 for pk in cut if not won[pk] and referrals[pk].status in (Status.ACCEPTED, Status.REJECTED))
    return [
        Check(
            "referrals decided = decisions answered 200 + cut decisions stored",
            acknowledged + committed_cut,
            decided_total,
        ),
        Check("referrals decided twice", 0, len(twice), [f"referral {pk}" for pk in twice[:5]]),
        Check(
            "decisions differing from the 200 answer", 0, len(mismatched), [f"referral {pk}" for pk in mismatched[:5]]
        ),
        Check("referrals half-written", 0, len(half), [f"referral {pk}" for pk in half[:5]]),
        Check(
            "contested decisions answered other than one 200 + one 409",
            0,
            sum(n for pair, n in contest_results.items() if pair != (200, 409)),
        ),
    ]


def _whole(referral: Referral, decided: int) -> bool:
    """The status, the receipt, the decision event and the flow's open task agree."""
    decide_open = pending_task(referral, ReferralFlow.decide) is not None
    receipt_open = pending_task(referral, ReferralFlow.receipt) is not None
    if referral.status == Status.AWAITING_RECEIPT:
        return receipt_open and referral.receipt_id is None and not decided
    if referral.status == Status.RECEIVED:
        return decide_open and referral.receipt_id is not None and not decided
    if referral.status in (Status.ACCEPTED, Status.REJECTED):
        return not decide_open and referral.receipt_id is not None and decided == 1 and referral.decided_at is not None
    return False
