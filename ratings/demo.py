"""Demo credit evaluations: a region's pharmacies over the current and the two previous years.

Every grade A–E appears in the current year, one pharmacy is poor three years running (agreement to be
terminated), and repairable deductions are repaired within their periods. Everything goes through
ratings.services, dated no later than today.
"""

import datetime
import random

from django.db.models import F
from django.utils import timezone

from casework.models import Case, Subject
from organisation.models import Region, User
from organisation.roles import Role
from ratings.models import Evaluation, Indicator
from ratings.rules import WRITER_AGENCY_KINDS, WRITER_ROLES
from ratings.services import deduction_record, deduction_repair

# Standing deductions per grade (score = 1,000 − deductions), multiples of 5 like the indicators' maxima.
DEDUCTION_RANGES = {"A": (0, 90), "B": (110, 190), "C": (210, 290), "D": (310, 390), "E": (410, 480)}
GRADE_WEIGHTS = {"A": 35, "B": 30, "C": 20, "D": 10, "E": 5}
CHECKS = ("日常检查", "飞行检查", "“双随机、一公开”抽查", "智能监控疑点核查", "“互联网+监管”预警核查", "医保费用审核")
REPAIR_TEXTS = (
    "已按要求完成整改，提交整改报告及现场照片，经复查符合要求。",
    "已补充完善相关制度和台账，经办机构复核通过。",
    "已组织从业人员专题培训并上传培训记录，复查整改到位。",
    "已完成系统调整并补传数据，经核验一致。",
)


def seed_ratings(*, region: Region, today: datetime.date) -> int:
    """Evaluate the region's pharmacies (and those of the regions below) for today's year and the two before;
    return the number of deductions recorded. Does nothing when they already have evaluations."""
    pharmacies = list(
        Subject.objects.filter(kind=Subject.Kind.PHARMACY, region_id__in=region.descendant_ids())
        .select_related("region")
        .order_by("code")
    )
    if not pharmacies or Evaluation.objects.filter(subject__in=pharmacies).exists():
        return 0
    by = _writer(region)
    seeder = _Seeder(random.Random(f"ratings:{region.code}"), by, today)
    years = [today.year - 2, today.year - 1, today.year]
    for index, pharmacy in enumerate(pharmacies):
        for year, grade in zip(years, _grades(index, seeder.rng), strict=True):
            seeder.evaluate(pharmacy, year, grade, repair=index == 2 and year == today.year)
    return seeder.count


def _grades(index: int, rng: random.Random) -> tuple[str, str, str]:
    """Grades for the three years: the first pharmacy poor throughout, the next one recovering, then one of
    each grade this year, the rest drawn by weight."""
    if index == 0:
        return ("E", "D", "D")
    if index == 1:
        return ("D", "D", "C")
    grades = tuple(rng.choices(list(GRADE_WEIGHTS), weights=list(GRADE_WEIGHTS.values()), k=3))
    if 2 <= index <= 6:
        grades = (*grades[:2], "ABCDE"[index - 2])
    return grades


def _writer(region: Region) -> User:
    """An agreement manager of the region's handling agency (else a section head or head) to record as."""
    writers = User.objects.filter(
        agency__region=region,
        agency__kind__in=WRITER_AGENCY_KINDS,
        groups__role_group__agency=F("agency"),
        groups__role_group__role__in=WRITER_ROLES,
    )
    user = writers.filter(groups__role_group__role=Role.AGREEMENT_MANAGER).first() or writers.first()
    if user is None:
        raise ValueError(f"no agreement manager, section head or head in {region}: create the users first")
    return user


class _Seeder:
    def __init__(self, rng: random.Random, by: User, today: datetime.date):
        self.rng, self.by, self.today, self.count = rng, by, today, 0
        self.indicators = list(Indicator.objects.filter(active=True).order_by("code"))

    def _day(self, year: int, after: datetime.date | None = None) -> datetime.date:
        first = after or datetime.date(year, 1, 1)
        last = min(datetime.date(year, 12, 31), self.today)
        return first + datetime.timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def evaluate(self, pharmacy: Subject, year: int, grade: str, *, repair: bool) -> None:
        low, high = DEDUCTION_RANGES[grade]
        remaining = self.rng.randrange(low, high + 1, 5)
        # Poor pharmacies lose points on the serious, non-repairable indicators too.
        pool = [i for i in self.indicators if i.repairable or grade in "DE" or i.category == Indicator.Category.PUBLIC]
        self.rng.shuffle(pool)
        used: dict[int, int] = {}
        case = self._case(pharmacy, year)
        for indicator in pool:
            if remaining <= 0:
                break
            points = min(indicator.max_deduction, remaining, 5 * self.rng.randint(1, 4))
            link = case if case and not indicator.repairable and indicator.category != "public" else None
            occurred_on = timezone.localtime(link.opened_at).date() if link else self._day(year)
            self._deduct(pharmacy, year, indicator, points, occurred_on, link)
            used[indicator.pk] = points
            remaining -= points
            case = None if link else case
        if repair or self.rng.random() < 0.3:
            self._repaired_deduction(pharmacy, year, used)

    def _repaired_deduction(self, pharmacy: Subject, year: int, used: dict[int, int]) -> None:
        """A further repairable deduction, rectified within its period (信用修复)."""
        candidates = [i for i in self.indicators if i.repairable and i.max_deduction - used.get(i.pk, 0) >= 5]
        indicator = self.rng.choice(candidates)
        occurred_on = self._day(year)
        deduction = self._deduct(pharmacy, year, indicator, 5, occurred_on, None)
        due = min(deduction.repair_due, self.today)
        repaired_on = occurred_on + datetime.timedelta(days=self.rng.randint(0, max((due - occurred_on).days, 0)))
        deduction_repair(
            deduction=deduction,
            repaired_on=repaired_on,
            reason=self.rng.choice(REPAIR_TEXTS),
            by=self.by,
            today=self.today,
        )

    def _deduct(self, pharmacy, year, indicator, points, occurred_on, case):
        self.count += 1
        return deduction_record(
            subject=pharmacy,
            year=year,
            indicator=indicator,
            points=points,
            reason=_reason(indicator, self.rng),
            occurred_on=occurred_on,
            by=self.by,
            case=case,
            today=self.today,
        )

    def _case(self, pharmacy: Subject, year: int) -> Case | None:
        return (
            Case.objects.filter(subjects=pharmacy, opened_at__year=year, opened_at__date__lte=self.today)
            .order_by("opened_at")
            .first()
        )


def _reason(indicator: Indicator, rng: random.Random) -> str:
    if indicator.category == Indicator.Category.PUBLIC:
        return f"信用平台归集信息：{indicator.name}，已核实。"
    if indicator.repairable:
        return f"{rng.choice(CHECKS)}发现未落实“{indicator.name}”要求，已责令限期整改。"
    return f"{rng.choice(CHECKS)}查实存在“{indicator.name}”问题，按评价指标扣分。"
