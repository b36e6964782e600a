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


def send_screening_batch(city: City, rng: random.Random) -> IngestResult:
    """Hits on subjects with a pending lead (they join it), on new subjects (new leads), and on a
    person not yet in the registry (registered as 待核实)."""
    account = User.objects.get(username=f"{city.prefix}_screening")
    today = timezone.localdate()
    regions = [city.code, city.county.code]
    hits = []

    def add(subject_ref: dict, kind: str, count: int) -> None:
        rule_code, rule_name = rng.choice([issue.rule for issue in ISSUES[kind]]).split(" ", 1)
        for _ in range(count):
            start = today - datetime.timedelta(days=rng.randint(20, 90))
            hits.append(
                {
                    "source": SOURCE,
                    "external_id": f"{city.code}-{today:%Y%m%d}-{len(hits) + 1:05d}",
                    "rule_code": rule_code,
                    "rule_name": rule_name,
                    "subject": subject_ref,
                    "period_from": start.isoformat(),
                    "period_to": (start + datetime.timedelta(days=rng.randint(0, 14))).isoformat(),
                    "amount": str(Decimal(rng.randint(8_000, 600_000)) / 100),
                    "details": {"结算单数": rng.randint(1, 6), "规则版本": "2026.2"},
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
    return screen_hits_ingest(hits=hits, by=account)
