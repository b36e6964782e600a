"""Seed a PostgreSQL database at realistic volume for the list and triage benchmarks.

Bulk rows go in with COPY and explicit ids (the tables are empty after migrate), then the
identity sequences are reset. Object permissions: benchmarks/seed_grants.py. A few hundred leads
are registered through the real triage flow, so a viewflow process and task exist for them.
"""

import datetime
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from benchmarks.bulk import copy_rows, reset_sequences
from benchmarks.seed_casework import build_leads_and_cases, write_cases_and_leads
from benchmarks.seed_grants import seed_grants
from casework.models import Case, Lead, Subject
from organisation.models import Agency, Region, User
from organisation.roles import Role
from organisation.services import role_group_ensure, user_set_roles
from workflows.triage import OPEN_TASK_STATUSES, TriageFlow, triage_start

PROVINCE = ("320000", "江苏省", "苏医保")
# (code, name, number prefix, share of all leads in %); 连云港 is the ~5,000-lead agency.
CITIES = [
    ("320100", "南京市", "宁医保", 14),
    ("320200", "无锡市", "锡医保", 8),
    ("320300", "徐州市", "徐医保", 8),
    ("320400", "常州市", "常医保", 6),
    ("320500", "苏州市", "苏州医保", 12),
    ("320600", "南通市", "通医保", 6),
    ("320700", "连云港市", "连医保", 5),
    ("320800", "淮安市", "淮医保", 4),
    ("320900", "盐城市", "盐医保", 4),
    ("321000", "扬州市", "扬医保", 4),
]
# (code, name, parent code, number prefix or None when the county has no bureau of its own, share in %)
COUNTIES = [
    ("320703", "连云区", "320700", "连云医保", 3),
    ("320706", "海州区", "320700", "海医保", 3),
    ("320707", "赣榆区", "320700", "赣医保", 3),
    ("320722", "东海县", "320700", "东医保", 3),
    ("320723", "灌云县", "320700", "灌云医保", 3),
    ("320724", "灌南县", "320700", "灌南医保", 3),
    ("320321", "丰县", "320300", "丰医保", 3),
    ("320322", "沛县", "320300", "沛医保", 3),
    ("320324", "睢宁县", "320300", "睢医保", 3),
    ("320381", "新沂市", "320300", None, 0),
]
PROVINCE_SHARE = 2
BUREAU_ROLES = [
    Role.CLERK,
    Role.SECTION_HEAD,
    Role.INVESTIGATOR,
    Role.LEGAL_REVIEWER,
    Role.DIRECTOR,
    Role.REWARD_HANDLER,
    Role.RECOVERY_OFFICER,
]
SUBJECT_KINDS = [
    (Subject.Kind.INSTITUTION, 8),
    (Subject.Kind.PHARMACY, 12),
    (Subject.Kind.INSURED, 60),
    (Subject.Kind.PRACTITIONER, 20),
]


@dataclass
class Org:
    province: Region
    agencies: list[Agency]
    shares: list[int]
    heads: dict[int, User]  # agency id → section head
    auditor: User
    subjects_by_agency: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class Timings:
    phases: list[tuple[str, float, str]] = field(default_factory=list)

    def record(self, name: str, started: float, note: str = "") -> None:
        self.phases.append((name, time.perf_counter() - started, note))


def seed(*, leads: int, cases: int, subjects: int, rng: random.Random) -> Timings:
    """Fill an empty, migrated database; return how long each phase took."""
    timings = Timings()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    started = time.perf_counter()
    org = seed_organisation()
    timings.record("regions, agencies, role groups, users", started)

    started = time.perf_counter()
    subject_rows = seed_subjects(org, subjects, rng)
    timings.record("subjects (COPY)", started, f"{subjects:,}")

    started = time.perf_counter()
    lead_rows, case_rows = build_leads_and_cases(org, leads, cases, rng)
    timings.record("generate leads and cases in Python", started)

    started = time.perf_counter()
    write_cases_and_leads(org, lead_rows, case_rows, subject_rows)
    timings.record("cases, leads, subjects M2M, deadlines (COPY)", started, f"{leads:,} leads, {cases:,} cases")

    for model, label in ((Lead, "lead"), (Case, "case")):
        started = time.perf_counter()
        note = seed_grants(org.agencies, model)
        timings.record(f"{label} object permissions", started, note)

    started = time.perf_counter()
    reset_sequences()
    with connection.cursor() as cursor:
        # VACUUM as autovacuum would after a bulk insert: visibility map for index-only scans, fresh statistics.
        cursor.execute("VACUUM ANALYZE")
    timings.record("VACUUM ANALYZE", started)

    return timings


# Organisation -------------------------------------------------------------------------------


def seed_organisation() -> Org:
    province = Region.objects.create(code=PROVINCE[0], name=PROVINCE[1], level=Region.Level.PROVINCE)
    regions = {province.code: province}
    for code, name, _prefix, _share in CITIES:
        regions[code] = Region.objects.create(code=code, name=name, level=Region.Level.CITY, parent=province)
    for code, name, parent, _prefix, _share in COUNTIES:
        regions[code] = Region.objects.create(code=code, name=name, level=Region.Level.COUNTY, parent=regions[parent])
    specs = [(PROVINCE[0], PROVINCE[2], PROVINCE_SHARE)]
    specs += [(code, prefix, share) for code, _name, prefix, share in CITIES]
    specs += [(code, prefix, share) for code, _name, _parent, prefix, share in COUNTIES if prefix]
    agencies, shares, heads = [], [], {}
    for code, prefix, share in specs:
        region = regions[code]
        agency = Agency.objects.create(
            code=f"{code}-bureau",
            name=f"{region.name}医疗保障局",
            kind=Agency.Kind.BUREAU,
            region=region,
            number_prefix=prefix,
        )
        for role in BUREAU_ROLES:
            role_group_ensure(agency=agency, role=role)
        heads[agency.pk] = _user(f"head-{code}", agency, [Role.SECTION_HEAD])
        agencies.append(agency)
        shares.append(share)
    role_group_ensure(agency=agencies[0], role=Role.AUDITOR)
    auditor = _user(f"auditor-{PROVINCE[0]}", agencies[0], [Role.AUDITOR])
    return Org(province=province, agencies=agencies, shares=shares, heads=heads, auditor=auditor)


def _user(username: str, agency: Agency, roles: list[str]) -> User:
    user = User(username=username, first_name=username, agency=agency)
    user.set_unusable_password()
    user.save()
    user_set_roles(user=user, roles=roles)
    return user


# Subjects ------------------------------------------------------------------------------------


def seed_subjects(org: Org, count: int, rng: random.Random) -> dict[int, str]:
    """Spread subjects over all regions; return subject id → name."""
    regions = list(Region.objects.order_by("code"))
    kinds = [k for k, _ in SUBJECT_KINDS]
    kind_weights = [w for _, w in SUBJECT_KINDS]
    rows, names, serial = [], {}, Counter()
    for pk in range(1, count + 1):
        region = regions[pk % len(regions)]
        kind = rng.choices(kinds, kind_weights)[0]
        serial[kind] += 1
        n = serial[kind]
        code, name, extra = _subject_identity(kind, region, n, rng)
        rows.append((pk, kind, code, name, region.pk, Subject.Status.ACTIVE, *extra))
        names[pk] = name
    copy_rows(
        Subject,
        [
            "id",
            "kind",
            "code",
            "name",
            "region",
            "status",
            "level",
            "ownership",
            "category",
            "address",
            "id_number_masked",
            "profession",
        ],
        rows,
    )
    by_region = defaultdict(list)
    for pk, row in enumerate(rows, start=1):
        by_region[row[4]].append(pk)
    for agency in org.agencies:
        ids = agency.region.descendant_ids()
        org.subjects_by_agency[agency.pk] = [pk for region_id in ids for pk in by_region[region_id]]
    return names


def _subject_identity(kind: str, region: Region, n: int, rng: random.Random):
    blank = ("", "", "", "", "", "")
    if kind == Subject.Kind.INSTITUTION:
        level = rng.choice(["3", "2", "1", "0"])
        return (
            f"H{region.code}{n:05d}",
            f"{region.name}第{n}医院",
            (level, rng.choice(["public", "private"]), "综合医院", f"{region.name}健康路{n}号", "", ""),
        )
    if kind == Subject.Kind.PHARMACY:
        return (
            f"P{region.code}{n:05d}",
            f"{region.name}康民大药房第{n}店",
            ("0", "private", "零售药店", f"{region.name}人民路{n}号", "", ""),
        )
    if kind == Subject.Kind.INSURED:
        return (
            f"I{region.code}{n:07d}",
            f"参保人{n:06d}",
            ("", "", "", "", f"{region.code[:4]}**********{n % 10000:04d}", ""),
        )
    if kind == Subject.Kind.PRACTITIONER:
        return (
            f"D{region.code}{n:06d}",
            f"医保医师{n:05d}",
            ("", "", "", "", "", rng.choice(["doctor", "pharmacist", "nurse", "technician"])),
        )
    return (f"O{n}", f"其他{n}", blank)


# Triage processes ----------------------------------------------------------------------------


def triage_pool_fill(agency: Agency, *, size: int, rng: random.Random) -> int:
    """Register leads through the triage flow until `size` triage tasks of the agency are open."""
    from viewflow.workflow.models import Task

    open_tasks = Task.objects.filter(
        flow_task=TriageFlow.triage, status__in=OPEN_TASK_STATUSES, process__triageprocess__lead__agency=agency
    ).count()
    missing = max(0, size - open_tasks)
    if not missing:
        return 0
    head = User.objects.get(username=f"head-{agency.region.code}")
    subjects = list(
        Subject.objects.filter(region_id__in=agency.region.descendant_ids()).order_by("pk").values_list("pk", flat=True)
    )
    now = timezone.now()
    for n in range(missing):
        chosen = list(Subject.objects.filter(pk__in=rng.sample(subjects, rng.choice((1, 2)))))
        triage_start(
            agency=agency,
            source_kind=Lead.SourceKind.SCREEN_HIT,
            by=head,
            subjects=chosen,
            title=f"智能监控疑点：{chosen[0].name}涉嫌重复收费（{n + 1}）",
            description="智能监控系统筛查发现疑似重复收费、串换项目，请研判是否立案。",
            received_at=now - datetime.timedelta(hours=rng.uniform(1, 24 * 7)),
            amount_estimate=Decimal(rng.randrange(1_000_00, 500_000_00)) / 100,
        )
    return missing
