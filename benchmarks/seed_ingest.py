"""Seed for bench_ingest.py: one city's bureau (连云港) with its subjects and 50,000 leads, and a hit stream.

Organisation as in seed.py (province, cities, counties, role groups), plus the city's screening
service account. Subjects of the city and its counties: ~2,000 institutions and pharmacies,
practitioners and many insured persons. Leads over two years with the statuses seed_casework.py
gives them (recent ones mostly pending), cases for some, grants as grant_owner_access writes them,
the pending ones in the triage queue (workflows.triage.triage_queue).
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from benchmarks.bulk import copy_rows, reset_sequences
from benchmarks.seed import Org, seed_organisation
from benchmarks.seed_casework import build_leads_and_cases, write_cases_and_leads
from benchmarks.seed_grants import seed_grants
from casework.models import Case, Lead, Subject
from organisation.models import Agency, Region, User
from organisation.roles import Role
from organisation.services import role_group_ensure, user_set_roles
from workflows.triage import triage_queue

CITY = "320700"
# kind, how many, code prefix, name pattern
SUBJECTS = [
    (Subject.Kind.INSTITUTION, 1_200, "H", "{region}第{n}医院"),
    (Subject.Kind.PHARMACY, 800, "P", "{region}康民大药房第{n}店"),
    (Subject.Kind.PRACTITIONER, 3_000, "D", "医保医师{n:05d}"),
    (Subject.Kind.INSURED, 40_000, "I", "参保人{n:06d}"),
]
RULES = [
    ("R01", "重复收费"),
    ("R02", "串换项目"),
    ("R03", "超标准收费"),
    ("R04", "分解住院"),
    ("R05", "挂床住院"),
    ("R06", "超量开药"),
    ("R07", "冒名就医"),
    ("R08", "药品进销存不符"),
    ("R09", "限性别用药"),
    ("R10", "限儿童用药"),
    ("R11", "重复开药"),
    ("R12", "过度检查"),
    ("R13", "诊疗项目与性别不符"),
    ("R14", "住院期间门诊购药"),
    ("R15", "死亡后就医"),
    ("R16", "异地重复报销"),
    ("R17", "非定点就医报销"),
    ("R18", "超医保支付范围"),
    ("R19", "空刷医保卡"),
    ("R20", "虚构医疗服务"),
]
# Where hits land: institutions and pharmacies most (skewed: some are flagged far more often).
HIT_KINDS = [("org", 55), ("insured", 33), ("practitioner", 10), ("unknown", 2)]


@dataclass
class City:
    agency: Agency
    screener: User
    head: User
    organisations: list[tuple[str, str, str]]  # (kind, code, name)
    insured: list[tuple[str, str, str]]
    practitioners: list[tuple[str, str, str]]


def seed(*, leads: int, cases: int, rng: random.Random) -> City:
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    org = seed_organisation()
    agency = next(a for a in org.agencies if a.region.code == CITY)
    role_group_ensure(agency=agency, role=Role.SCREENING_SERVICE)
    screener = User(username=f"screening-{CITY}", first_name="智能监控", agency=agency)
    screener.set_unusable_password()
    screener.save()
    user_set_roles(user=screener, roles=[Role.SCREENING_SERVICE])
    subjects = _subjects(agency, rng)
    city_org = Org(
        province=org.province,
        agencies=[agency],
        shares=[1],
        heads={agency.pk: org.heads[agency.pk]},
        auditor=org.auditor,
        subjects_by_agency={agency.pk: [pk for pk, *_ in subjects]},
    )
    lead_rows, case_rows = build_leads_and_cases(city_org, leads, cases, rng)
    write_cases_and_leads(city_org, lead_rows, case_rows, {pk: name for pk, _kind, _code, name in subjects})
    for model in (Lead, Case):
        seed_grants([agency], model)
    reset_sequences()
    # Pending leads wait in the triage queue, as in production: without these rows the viewflow tables
    # are empty when VACUUM ANALYZE runs, and the foreign-key checks the batches' COMMITs make on them
    # get planned, and cached for the session, as sequential scans of tables that then grow.
    with transaction.atomic():
        triage_queue(list(Lead.objects.filter(agency=agency, status=Lead.Status.PENDING).order_by("pk")))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return city(agency)


def city(agency: Agency) -> City:
    by_kind: dict[str, list] = {kind: [] for kind, *_ in SUBJECTS}
    for kind, code, name in Subject.objects.filter(region_id__in=agency.region.descendant_ids()).values_list(
        "kind", "code", "name"
    ):
        by_kind[kind].append((kind, code, name))
    return City(
        agency=agency,
        screener=User.objects.get(username=f"screening-{CITY}"),
        head=User.objects.get(username=f"head-{CITY}"),
        organisations=sorted(by_kind[Subject.Kind.INSTITUTION] + by_kind[Subject.Kind.PHARMACY]),
        insured=sorted(by_kind[Subject.Kind.INSURED]),
        practitioners=sorted(by_kind[Subject.Kind.PRACTITIONER]),
    )


def _subjects(agency: Agency, rng: random.Random) -> list[tuple[int, str, str, str]]:
    """COPY the city's subjects, spread over the city and its counties; return (id, kind, code, name)."""
    regions = list(Region.objects.filter(pk__in=agency.region.descendant_ids()).order_by("code"))
    rows, out, pk = [], [], 0
    for kind, count, prefix, pattern in SUBJECTS:
        for n in range(1, count + 1):
            pk += 1
            region = regions[n % len(regions)]
            code = f"{prefix}{region.code}{n:07d}"
            name = pattern.format(region=region.name, n=n)
            masked = f"{region.code[:4]}**********{n % 10000:04d}" if kind == Subject.Kind.INSURED else ""
            level = rng.choice("3210") if kind == Subject.Kind.INSTITUTION else ""
            profession = rng.choice(["doctor", "pharmacist", "nurse"]) if kind == Subject.Kind.PRACTITIONER else ""
            rows.append((pk, kind, code, name, region.pk, Subject.Status.ACTIVE, level, "", "", "", masked, profession))
            out.append((pk, kind, code, name))
    columns = ["id", "kind", "code", "name", "region", "status", "level", "ownership", "category", "address"]
    copy_rows(Subject, [*columns, "id_number_masked", "profession"], rows)
    return out


# The hit stream ------------------------------------------------------------------------------


class HitStream:
    """Unique hits with the city's realistic spread of subjects and rules; batches re-send half."""

    def __init__(self, city: City, rng: random.Random, *, source: str) -> None:
        self.city, self.rng, self.source = city, rng, source
        self.sent: list[dict] = []
        self.serial = 0
        # Zipf-like: the most flagged institutions get many times the hits of the least.
        self.org_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(city.organisations))]
        rng.shuffle(self.city.organisations)

    def batch(self, size: int) -> list[dict]:
        """size hits: half never sent before, half re-sent from everything sent so far (this batch included)."""
        fresh = [self._hit() for _ in range(size // 2)]
        self.sent.extend(fresh)
        again = [dict(hit) for hit in self.rng.choices(self.sent, k=size - len(fresh))]
        hits = fresh + again
        self.rng.shuffle(hits)
        return hits

    def _hit(self) -> dict:
        self.serial += 1
        rng = self.rng
        where = rng.choices([k for k, _ in HIT_KINDS], [w for _, w in HIT_KINDS])[0]
        if where == "org":
            kind, code, name = rng.choices(self.city.organisations, self.org_weights)[0]
        elif where == "insured":
            kind, code, name = rng.choice(self.city.insured)
        elif where == "practitioner":
            kind, code, name = rng.choice(self.city.practitioners)
        else:
            kind, code, name = Subject.Kind.INSURED, f"X{CITY}{rng.randrange(10**8):08d}", "待核实参保人"
        rule_code, rule_name = rng.choice(RULES)
        start = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        return {
            "source": self.source,
            "external_id": f"{self.source}-{self.serial:09d}",
            "rule_code": rule_code,
            "rule_name": rule_name,
            "subject": {"kind": kind, "code": code, "name": name},
            "period_from": start.isoformat(),
            "period_to": (start + datetime.timedelta(days=rng.randrange(1, 60))).isoformat(),
            "amount": str(Decimal(rng.randrange(1_000, 5_000_000)) / 100),
            "details": {"visits": rng.randrange(1, 30), "items": [f"项目{rng.randrange(500)}"]},
        }
