"""Each city's screening system sends one batch of hits through the API's service, as it would nightly."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from casework.models import Lead, Subject
from intake.screening import IngestResult, screen_hits_ingest
from organisation.demo.cities import City
from organisation.demo.lead_texts import ISSUES
from organisation.models import User

SOURCE = "智能监控系统"
NEW_SUBJECTS = {Subject.Kind.INSTITUTION: 2, Subject.Kind.PHARMACY: 2, Subject.Kind.INSURED: 3}
HITS_PER_SUBJECT = (3, 12)
# Settlement rows for the review rules (inspections.review): institutions' hits are inpatient bills, a third
# of them over ¥50,000; insured persons' hits are outpatient bills, and some persons with a pending lead get
# a few more, so that the outpatient spenders can be ranked.
VISIT_KIND = {Subject.Kind.INSTITUTION: "住院", Subject.Kind.INSURED: "门诊"}
OUTPATIENT_PERSONS = 8


def send_screening_batch(city: City, rng: random.Random) -> IngestResult:
    """Hits on subjects with a pending lead (they join it), on new subjects (new leads), and on a
    person not yet in the registry (registered as 待核实); institutions' and persons' hits are settlement rows."""
    account = User.objects.get(username=f"{city.prefix}_screening")
    today = timezone.localdate()
    regions = [city.code, city.county.code]
    hits = []

    def add(subject_ref: dict, kind: str, count: int, *, amounts: tuple[int, int] = (8_000, 600_000)) -> None:
        rule_code, rule_name = rng.choice([issue.rule for issue in ISSUES[kind]]).split(" ", 1)
        for _ in range(count):
            start = today - datetime.timedelta(days=rng.randint(20, 90))
            amount = Decimal(rng.randint(*amounts)) / 100
            details = {"结算单数": rng.randint(1, 6), "规则版本": "2026.2"}
            if kind in VISIT_KIND:
                if kind == Subject.Kind.INSTITUTION and rng.random() < 1 / 3:
                    amount = Decimal(rng.randint(5_000_100, 18_000_000)) / 100
                settled = today - datetime.timedelta(days=rng.randint(0, today.day - 1))  # this month
                details |= {
                    "就诊类型": VISIT_KIND[kind],
                    "结算单号": f"{'ZY' if kind == Subject.Kind.INSTITUTION else 'MZ'}{city.code}{len(hits) + 1:07d}",
                    "结算日期": settled.isoformat(),
                }
            hits.append(
                {
                    "source": SOURCE,
                    "external_id": f"{city.code}-{today:%Y%m%d}-{len(hits) + 1:05d}",
                    "rule_code": rule_code,
                    "rule_name": rule_name,
                    "subject": subject_ref,
                    "period_from": start.isoformat(),
                    "period_to": (start + datetime.timedelta(days=rng.randint(0, 14))).isoformat(),
                    "amount": str(amount),
                    "details": details,
                }
            )

    pending = Lead.objects.filter(agency__region__code=city.code, source_kind="screen_hit", status="pending")
    for lead in pending.order_by("received_at")[:2]:
        subject = lead.subjects.order_by("pk").first()
        add(subject.as_ref(), subject.kind, rng.randint(*HITS_PER_SUBJECT))
    taken = set(Subject.objects.filter(leads__agency__region__code=city.code).values_list("pk", flat=True))
    for kind, count in NEW_SUBJECTS.items():
        pool = list(Subject.objects.filter(kind=kind, region__code__in=regions).exclude(pk__in=taken).order_by("code"))
        for subject in rng.sample(pool, count):
            add(subject.as_ref(), kind, rng.randint(*HITS_PER_SUBJECT))
    unknown = {"kind": "insured", "code": f"{city.code}99{rng.randint(10**8, 10**9 - 1)}", "name": "参保人（待核实）"}
    add(unknown, Subject.Kind.INSURED, 2)
    # Outpatient bills of insured persons with a pending lead of the bureau: they join that lead.
    persons = Subject.objects.filter(
        kind=Subject.Kind.INSURED, leads__agency=account.agency, leads__status="pending"
    ).distinct()
    for person in persons.order_by("code")[:OUTPATIENT_PERSONS]:
        add(person.as_ref(), Subject.Kind.INSURED, rng.randint(2, 4), amounts=(20_000, 300_000))
    return screen_hits_ingest(hits=hits, by=account)
