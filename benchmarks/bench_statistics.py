"""Time 附件2 and 附件3 of a province with 200,000 cases on PostgreSQL (issue 8: each table under 2 s).

    .venv/bin/python benchmarks/bench_statistics.py [--cases 200000] [--runs 3]

Drops and recreates the database named in DATABASE_URL (default casework_bench_stats; the name must
contain "bench"), COPYs a province of 13 cities — a bureau, a handling agency and a police force each —
with subjects, cases with findings (violations), agreement actions and measures, penalties,
suspensions, referrals, credit points, obligations and payments spread over the cities by size and over
two years; then times stats.tables for the province and for one city over one year, and the .xlsx and
PDF renderings of the province's tables. Prints one JSON document; figures are printed, never asserted.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casework_bench_stats")
os.environ["DEBUG"] = "0"
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

import django  # noqa: E402

django.setup()

from django.core.management.color import no_style  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402
from viewflow.workflow.models import Process  # noqa: E402

from agreements.models import AgreementAction, AgreementMeasure  # noqa: E402
from benchmarks.bulk import recreate_database  # noqa: E402
from casework.models import Case, CreditPoint, Subject, Suspension, Violation, ViolationItem  # noqa: E402
from ledgers.models import Ledger, Obligation, Payment  # noqa: E402
from organisation.models import Agency, Region, User  # noqa: E402
from penalties.models import Penalty  # noqa: E402
from referrals.models import Referral  # noqa: E402
from stats import exports, tables  # noqa: E402
from workflows.models import InvestigationProcess  # noqa: E402

GOAL_S = 2.0
WITH_IDS = (Case, Process, AgreementAction, Obligation)
CITIES = [
    ("320100", "南京市", "宁", 0.16),
    ("320200", "无锡市", "锡", 0.10),
    ("320300", "徐州市", "徐", 0.10),
    ("320400", "常州市", "常", 0.08),
    ("320500", "苏州市", "苏", 0.18),
    ("320600", "南通市", "通", 0.08),
    ("320700", "连云港市", "连", 0.05),
    ("320800", "淮安市", "淮", 0.05),
    ("320900", "盐城市", "盐", 0.06),
    ("321000", "扬州市", "扬", 0.04),
    ("321100", "镇江市", "镇", 0.03),
    ("321200", "泰州市", "泰", 0.04),
    ("321300", "宿迁市", "宿", 0.03),
]
START = datetime.date(2024, 1, 1)
DAYS = 730
YEAR_FROM, YEAR_TO = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=8)
    return parser.parse_args()


class Copier:
    """COPY rows given as {field name: value} into a model's own table; other columns take their defaults."""

    def __init__(self, model, *, local: bool = False, ids: bool = False):
        self.model = model
        fields = model._meta.local_concrete_fields if local else model._meta.concrete_fields
        # The serial id is given only where other rows refer to it.
        serial = ("AutoField", "BigAutoField")
        self.fields = [f for f in fields if ids or not (f.primary_key and f.get_internal_type() in serial)]
        self.rows = []

    def add(self, **values) -> None:
        self.rows.append(values)

    def _value(self, field, values):
        name = field.attname if field.attname in values else field.name
        value = values[name] if name in values else field.get_default()
        return Jsonb(value) if isinstance(value, dict | list) else value

    def flush(self) -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(self.model._meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for values in self.rows:
                copy.write_row([self._value(field, values) for field in self.fields])
        self.rows = []


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def day(rng: random.Random, after: datetime.date | None = None, within: int = DAYS) -> datetime.date:
    base = after or START
    return base + datetime.timedelta(days=rng.randrange(within))


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def seed(total: int, rng: random.Random) -> dict:
    province = Region.objects.create(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    user = User.objects.create(username="bench", first_name="基准")
    cities = []
    for code, name, prefix, share in CITIES:
        region = Region.objects.create(code=code, name=name, level=Region.Level.CITY, parent=province)
        county = Region.objects.create(code=code[:4] + "22", name=f"{name}县", level=Region.Level.COUNTY, parent=region)
        make = Agency.objects.create
        cities.append(
            {
                "region": region,
                "county": county,
                "prefix": prefix,
                "share": share,
                "bureau": make(
                    code=f"{code}-bureau", name=f"{name}医疗保障局", region=region, number_prefix=f"{prefix}医保"
                ),
                "agency": make(
                    code=f"{code}-agency",
                    name=f"{name}医保中心",
                    kind=Agency.Kind.INSURANCE_AGENCY,
                    region=region,
                    number_prefix=f"{prefix}医经",
                ),
                "police": make(
                    code=f"{code}-police",
                    name=f"{name}公安局",
                    kind=Agency.Kind.POLICE,
                    region=region,
                    number_prefix=f"{prefix}公",
                ),
            }
        )
    items = {
        kind: list(ViolationItem.objects.filter(subject_kind=kind).values_list("pk", flat=True))
        for kind in ("institution", "pharmacy", "insured")
    }

    # Subjects: per city, institutions, pharmacies and insured persons in proportion to its cases.
    subjects = Copier(Subject, ids=True)
    pools: list[dict[str, list[int]]] = []
    next_subject = 1
    for city in cities:
        pool = {"institution": [], "pharmacy": [], "insured": []}
        for kind, count in (("institution", 0.2), ("pharmacy", 0.15), ("insured", 0.5)):
            for _ in range(max(20, int(total * city["share"] * count))):
                region = city["county"] if rng.random() < 0.3 else city["region"]
                subjects.add(
                    id=next_subject,
                    kind=kind,
                    code=f"{kind[0].upper()}{next_subject:09d}",
                    name=f"对象{next_subject}",
                    region=region.pk,
                )
                pool[kind].append(next_subject)
                next_subject += 1
        pools.append(pool)
    subjects.flush()

    copiers = {
        model: Copier(model, local=model is InvestigationProcess, ids=model in WITH_IDS)
        for model in (
            Case,
            Case.subjects.through,
            Process,
            InvestigationProcess,
            Violation,
            AgreementAction,
            AgreementMeasure,
            Penalty,
            Suspension,
            Referral,
            CreditPoint,
            Obligation,
            Payment,
        )
    }
    c = copiers
    weights = [city["share"] for city in cities]
    counters = {"obligation": 0, "action": 0}
    sequences = [0] * len(cities)
    for case_id in range(1, total + 1):
        index = rng.choices(range(len(cities)), weights)[0]
        city, pool = cities[index], pools[index]
        sequences[index] += 1
        opened = day(rng)
        bureau = city["bureau"] if rng.random() < 0.8 else city["bureau"]
        c[Case].add(
            id=case_id,
            agency=bureau.pk,
            number=f"{city['prefix']}医保立〔{opened.year}〕{sequences[index]}号-{case_id}",
            year=opened.year,
            sequence=case_id,
            title=f"案件{case_id}",
            status=Case.Status.HANDLING,
            opened_at=at(opened),
        )
        provider_kind = "institution" if rng.random() < 0.65 else "pharmacy"
        provider = rng.choice(pool[provider_kind])
        members = [(provider_kind, provider)]
        if rng.random() < 0.4:
            members.append(("insured", rng.choice(pool["insured"])))
        for _, subject in members:
            c[Case.subjects.through].add(case=case_id, subject=subject)
        findings = day(rng, opened, 60)
        c[Process].add(
            id=case_id, flow_class="workflows.investigation.InvestigationFlow", status="DONE", created=at(opened)
        )
        c[InvestigationProcess].add(process_ptr=case_id, case=case_id, findings_done_at=at(findings))
        for kind, subject in members:
            for _ in range(rng.choice((1, 1, 2))):
                amount = money(rng, 500, 200_000)
                c[Violation].add(
                    case=case_id,
                    subject=subject,
                    item=rng.choice(items[kind]),
                    amount=amount,
                    fund_loss=amount * Decimal("0.8"),
                )
        decided = day(rng, findings, 90)
        if rng.random() < 0.3:
            counters["action"] += 1
            action = counters["action"]
            c[AgreementAction].add(
                id=action,
                case=case_id,
                subject=provider,
                agency=city["agency"].pk,
                status="done",
                started_by=user.pk,
                decided_on=decided,
            )
            for kind in rng.sample(["interview", "rectification", "criticism", "refusal", "liquidated_damages"], 2):
                amount = money(rng, 1000, 50_000) if kind in ("refusal", "liquidated_damages") else None
                c[AgreementMeasure].add(action=action, kind=kind, amount=amount, created_by=user.pk)
        if rng.random() < 0.2:
            for _kind, subject in members:
                c[Penalty].add(agency=bureau.pk, case=case_id, subject=subject, status="finished", decided_on=decided)
        if rng.random() < 0.1:
            scope = rng.choice(["services", "department", "persons", "terminated"])
            c[Suspension].add(
                subject=provider,
                case=case_id,
                scope=scope,
                source="agreement",
                starts_on=decided,
                ends_on=None if scope == "terminated" else decided + datetime.timedelta(days=180),
                basis="基准",
                created_at=at(decided),
                created_by=user.pk,
            )
        for kind, subject in members:
            if kind == "insured" and rng.random() < 0.2:
                c[Suspension].add(
                    subject=subject,
                    case=case_id,
                    scope="direct_settlement",
                    source="penalty",
                    starts_on=decided,
                    ends_on=decided + datetime.timedelta(days=90),
                    basis="基准",
                    created_at=at(decided),
                    created_by=user.pk,
                )
                c[CreditPoint].add(
                    case=case_id, subject=subject, points=5, reason="基准", recorded_at=at(decided), recorded_by=user.pk
                )
        if rng.random() < 0.05:
            criminal = rng.random() < 0.6
            c[Referral].add(
                case=case_id,
                agency=bureau.pk,
                kind="criminal" if criminal else "health",
                to_agency=city["police"].pk if criminal else city["agency"].pk,
                status="accepted",
                sent_at=at(decided),
            )
        for ledger, chance in ((Ledger.FUND_REFUND, 0.4), (Ledger.PATIENT_REFUND, 0.05), (Ledger.FINE, 0.15)):
            for _kind, subject in members:
                if rng.random() < chance:
                    counters["obligation"] += 1
                    due = money(rng, 1000, 100_000)
                    c[Obligation].add(
                        id=counters["obligation"],
                        agency=bureau.pk,
                        case=case_id,
                        subject=subject,
                        ledger=ledger,
                        amount_due=due,
                        basis="基准",
                        created_at=at(decided),
                        created_by=user.pk,
                    )
                    if rng.random() < 0.8:
                        c[Payment].add(
                            obligation=counters["obligation"],
                            paid_on=day(rng, decided, 60),
                            amount=due,
                            voucher="V",
                            recorded_by=user.pk,
                        )
        if case_id % 20_000 == 0:
            for copier in copiers.values():
                copier.flush()
    for copier in copiers.values():
        copier.flush()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Subject, Case, Process, AgreementAction, Obligation]):
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    return {"province": province, "city": cities[0]["region"]}


def timed(function, runs: int):
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    name = recreate_database()
    started = time.perf_counter()
    regions = seed(args.cases, rng)
    seeded = time.perf_counter() - started
    figures = {}
    for label, region in (("province", regions["province"]), ("city", regions["city"])):
        for table_name, compute in (("results", tables.results_table), ("violations", tables.violations_table)):
            seconds, table = timed(
                lambda compute=compute, region=region: compute(region, YEAR_FROM, YEAR_TO), args.runs
            )
            figures[f"{table_name}_{label}"] = {
                "seconds": round(seconds, 3),
                "ratio_to_goal": round(seconds / GOAL_S, 3),
            }
            if label == "province":
                figures[f"{table_name}_{label}"]["table"] = table
    results = figures["results_province"].pop("table")
    violations = figures["violations_province"].pop("table")
    for label, function in (
        ("results_xlsx", lambda: exports.results_xlsx(results)),
        ("violations_xlsx", lambda: exports.violations_xlsx(violations)),
        ("results_pdf", lambda: exports.preview_pdf("results", results, agency_name="江苏省医疗保障局")),
        ("violations_pdf", lambda: exports.preview_pdf("violations", violations, agency_name="江苏省医疗保障局")),
    ):
        seconds, _ = timed(function, args.runs)
        figures[label] = {"seconds": round(seconds, 3)}
    counts = {
        "cases": Case.objects.count(),
        "subjects": Subject.objects.count(),
        "violations": Violation.objects.count(),
        "penalties": Penalty.objects.count(),
        "agreement_actions": AgreementAction.objects.count(),
        "payments": Payment.objects.count(),
    }
    print(
        json.dumps(
            {
                "database": name,
                "seeded_seconds": round(seeded, 1),
                "rows": counts,
                "period": [YEAR_FROM.isoformat(), YEAR_TO.isoformat()],
                "goal_seconds_per_table": GOAL_S,
                "timings": figures,
                "province_totals": {
                    "institutions_distinct": results["providers"]["total"]["institution"]["subjects"],
                    "fund_recovered_wan": results["providers"]["money"]["fund"],
                    "violations": sum(section["total"]["cases"] for section in violations["sections"]),
                },
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
