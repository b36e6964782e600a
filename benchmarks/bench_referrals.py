"""Time the liaison's referral inbox with 50,000 referrals on PostgreSQL (issue 6: p95 under 100 ms).

    .venv/bin/python benchmarks/bench_referrals.py [--referrals 50000] [--requests 40]

Drops and recreates the database named in BENCH_REFERRALS_DATABASE_URL (default
casework_bench_referrals), seeds 13 cities — a bureau, a police force and a procuratorate each — with
cases and referrals in every state spread over the cities by size, the group object permissions the
services grant (bureau roles, the receiving liaisons, the procuratorate's copy, the auditor) and open
deadlines; then times the inbox API and page as a police liaison of the largest city and as the bureau's
section head. Figures are printed, never asserted.
"""

import argparse
import datetime
import os
import random
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_REFERRALS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casework_bench_referrals"
)
os.environ["DEBUG"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Permission  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from benchmarks.bulk import recreate_database  # noqa: E402
from benchmarks.measure import Sample, measure_get, percentile  # noqa: E402
from casework.models import Case, Deadline  # noqa: E402
from organisation.models import Agency, Region, RoleGroup, User  # noqa: E402
from organisation.roles import Role  # noqa: E402
from organisation.services import role_group_ensure, user_set_roles  # noqa: E402
from referrals.models import Referral, ReferralGroupObjectPermission  # noqa: E402

GOAL_MS = 100.0
# (code, city, prefix, share of the referrals)
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
STATUS_WEIGHTS = [
    (Referral.Status.AWAITING_RECEIPT, 4),
    (Referral.Status.RECEIVED, 5),
    (Referral.Status.ACCEPTED, 25),
    (Referral.Status.REJECTED, 6),
    (Referral.Status.CONCLUDED, 58),
    (Referral.Status.PREPARING, 2),
]
SENT = {s for s, _ in STATUS_WEIGHTS} - {Referral.Status.PREPARING}
BATCH = 5000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    return parser.parse_args()


def user(username: str, agency: Agency, role: str) -> User:
    created = User(username=username, first_name=username, agency=agency)
    created.set_unusable_password()
    created.save()
    user_set_roles(user=created, roles=[role])
    return created


def seed(total: int, rng: random.Random) -> dict:
    province = Region.objects.create(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    province_bureau = Agency.objects.create(
        code="320000-bureau", name="江苏省医疗保障局", kind=Agency.Kind.BUREAU, region=province, number_prefix="苏医保"
    )
    auditor = user("auditor", province_bureau, Role.AUDITOR)
    cities = []
    for code, name, prefix, share in CITIES:
        region = Region.objects.create(code=code, name=name, level=Region.Level.CITY, parent=province)
        bureau = Agency.objects.create(
            code=f"{code}-bureau",
            name=f"{name}医疗保障局",
            kind=Agency.Kind.BUREAU,
            region=region,
            number_prefix=f"{prefix}医保",
        )
        police = Agency.objects.create(
            code=f"{code}-police",
            name=f"{name}公安局",
            kind=Agency.Kind.POLICE,
            region=region,
            number_prefix=f"{prefix}公",
        )
        procuratorate = Agency.objects.create(
            code=f"{code}-procuratorate",
            name=f"{name}人民检察院",
            kind=Agency.Kind.PROCURATORATE,
            region=region,
            number_prefix=f"{prefix}检",
        )
        for role in (Role.SECTION_HEAD, Role.INVESTIGATOR, Role.DIRECTOR):
            role_group_ensure(agency=bureau, role=role)
        cities.append(
            {
                "bureau": bureau,
                "police": police,
                "procuratorate": procuratorate,
                "head": user(f"head-{code}", bureau, Role.SECTION_HEAD),
                "liaison": user(f"police-{code}", police, Role.LIAISON),
                "prosecutor": user(f"procuratorate-{code}", procuratorate, Role.LIAISON),
                "share": share,
            }
        )
    perms = {p.codename: p.pk for p in Permission.objects.filter(content_type__app_label="referrals")}
    groups = {(rg.agency_id, rg.role): rg.group_id for rg in RoleGroup.objects.all()}
    auditor_group = groups[(province_bureau.pk, Role.AUDITOR)]
    now = timezone.now()
    t0 = time.perf_counter()
    counts = {"cases": 0, "referrals": 0, "grants": 0, "deadlines": 0}
    for city in cities:
        n = round(total * city["share"])
        bureau, police = city["bureau"], city["police"]
        for start in range(0, n, BATCH):
            size = min(BATCH, n - start)
            cases = Case.objects.bulk_create(
                Case(
                    agency=bureau,
                    number=f"{bureau.number_prefix}立〔2026〕{start + i + 1}号",
                    year=2026,
                    sequence=start + i + 1,
                    title=f"涉嫌欺诈骗保案 {start + i + 1}",
                    status=Case.Status.HANDLING,
                    opened_at=now - datetime.timedelta(days=rng.randint(10, 700)),
                )
                for i in range(size)
            )
            statuses = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS], k=size)
            referrals = Referral.objects.bulk_create(
                Referral(
                    case=case,
                    agency=bureau,
                    kind=Referral.Kind.CRIMINAL,
                    to_agency=police,
                    procuratorate=city["procuratorate"],
                    status=status,
                    sent_at=case.opened_at + datetime.timedelta(days=30) if status in SENT else None,
                    created_at=case.opened_at + datetime.timedelta(days=28),
                )
                for case, status in zip(cases, statuses, strict=True)
            )
            grants = []
            deadlines = []
            for referral in referrals:
                pairs = [
                    (groups[(bureau.pk, Role.SECTION_HEAD)], "view_referral"),
                    (groups[(bureau.pk, Role.SECTION_HEAD)], "change_referral"),
                    (groups[(bureau.pk, Role.INVESTIGATOR)], "view_referral"),
                    (groups[(bureau.pk, Role.DIRECTOR)], "approve_referral"),
                    (auditor_group, "view_referral"),
                ]
                if referral.status in SENT:
                    pairs += [
                        (groups[(police.pk, Role.LIAISON)], "view_referral"),
                        (groups[(police.pk, Role.LIAISON)], "handle_referral"),
                        (groups[(city["procuratorate"].pk, Role.LIAISON)], "view_referral"),
                    ]
                grants += [
                    ReferralGroupObjectPermission(group_id=g, permission_id=perms[c], content_object_id=referral.pk)
                    for g, c in pairs
                ]
                if referral.status in (Referral.Status.RECEIVED, Referral.Status.REJECTED):
                    step = (
                        "referral_filing_decision"
                        if referral.status == Referral.Status.RECEIVED
                        else "referral_reconsideration_request"
                    )
                    deadlines.append(
                        Deadline(
                            case_id=referral.case_id,
                            step=step,
                            ref=referral.deadline_ref,
                            due=timezone.localdate() + datetime.timedelta(days=rng.randint(-5, 3)),
                            basis="bench",
                        )
                    )
            ReferralGroupObjectPermission.objects.bulk_create(grants, batch_size=BATCH)
            Deadline.objects.bulk_create(deadlines, batch_size=BATCH)
            counts["cases"] += size
            counts["referrals"] += size
            counts["grants"] += len(grants)
            counts["deadlines"] += len(deadlines)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts["seconds"] = time.perf_counter() - t0
    return {"cities": cities, "auditor": auditor, "counts": counts}


def measure_page(client: Client, url: str, *, n: int, warmup: int) -> Sample:
    for _ in range(warmup):
        assert client.get(url).status_code == 200
    sample = Sample(url)
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - t0
        assert response.status_code == 200, (url, response.status_code)
        sample.times_ms.append(elapsed * 1000)
        sample.sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        sample.queries.append(len(captured))
        sample.gc_ms.append(0.0)
    return sample


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    name = recreate_database()
    data = seed(args.referrals, rng)
    counts = data["counts"]
    print(
        f"\nDatabase {name}: {counts['referrals']:,} referrals ({counts['cases']:,} cases), "
        f"{counts['grants']:,} object-permission rows, {counts['deadlines']:,} open deadlines; "
        f"seeded in {counts['seconds']:.1f} s"
    )
    largest = max(data["cities"], key=lambda city: city["share"])
    liaison, head = largest["liaison"], largest["head"]
    visible = Referral.objects.visible_to(liaison).count()
    print(
        f"Timed as {liaison.username} ({largest['police'].name}; {visible:,} referrals visible) and {head.username}\n"
    )
    samples = []
    for who, actor in (("liaison", liaison), ("section head", head), ("auditor", data["auditor"])):
        api = APIClient()
        api.force_authenticate(actor)
        for url in ("/api/v1/referrals/", "/api/v1/referrals/?status=received", "/api/v1/referrals/?page=20"):
            samples.append((who, "API", measure_get(api, url, n=args.requests, warmup=args.warmup)))
        if who != "auditor":
            page = Client()
            page.force_login(actor)
            for url in ("/referrals/", "/referrals/?tab=all"):
                samples.append((who, "page", measure_page(page, url, n=args.requests, warmup=args.warmup)))
    header = f"{'as':<13}{'':<5}{'request':<40}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
    print(header + f"{'SQL p50':>9}{'queries':>8}{'p95/goal':>9}")
    for who, kind, sample in samples:
        p95 = sample.pct(95)
        print(
            f"{who:<13}{kind:<5}{sample.label:<40}{sample.pct(50):>8.1f}{p95:>8.1f}{max(sample.times_ms):>8.1f}"
            f"{percentile(sample.sql_ms, 50):>9.1f}{max(sample.queries):>8}{p95 / GOAL_MS:>9.2f}"
        )
    worst = max(sample.pct(95) for _, _, sample in samples)
    print(f"\nGoal: p95 under {GOAL_MS:.0f} ms. Worst p95 {worst:.1f} ms ({worst / GOAL_MS:.2f} × goal).")


if __name__ == "__main__":
    main()
