"""Demo disclosures of one bureau, built through disclosure.services: typical cases from up to three of its closed
cases and one random-check result (with a draw record reproducible from its seed), all published; and one draft
random-check result still being prepared. Idempotent: a bureau with disclosures is left as it is."""

import datetime
import random

from django.db import transaction

from casework.models import Case, Subject
from disclosure import services
from disclosure.models import Disclosure
from organisation.models import Agency, User
from organisation.roles import Role

ALGORITHM = "python-random-sample/v1"
DRAWN = 3


def _publisher(bureau: Agency) -> User | None:
    for role in (Role.SECTION_HEAD, Role.DIRECTOR):
        user = User.objects.filter(agency=bureau, groups__role_group__role=role).order_by("pk").first()
        if user is not None:
            return user
    return None


def draw(population: list[Subject], seed: str, size: int) -> list[Subject]:
    """The draw the record describes: population ordered by code, random.Random(seed).sample of size."""
    ordered = sorted(population, key=lambda subject: subject.code)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def _draw_record(bureau: Agency, seed: str, draw_day: datetime.date) -> dict:
    population = list(
        Subject.objects.in_regions(bureau.region.descendant_ids()).filter(
            kind__in=[Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY]
        )
    )
    targets = draw(population, seed, DRAWN)
    return {
        "seed": seed,
        "algorithm": ALGORITHM,
        "drawn_on": draw_day.isoformat(),
        "population": "designated institutions and pharmacies of the region, ordered by code",
        "population_size": len(population),
        "sample_size": len(targets),
        "targets": [{"kind": s.kind, "code": s.code, "name": s.name, "outcome": "未发现问题"} for s in targets],
    }


def seed_disclosures(*, bureau: Agency, today: datetime.date) -> None:
    """Build the bureau's demo disclosures (see the module docstring)."""
    head = _publisher(bureau)
    if head is None or Disclosure.objects.of_agency(bureau.pk).exists():
        return
    with transaction.atomic():
        cases = Case.objects.filter(agency=bureau, status=Case.Status.CLOSED).order_by("-closed_at", "-pk")[:3]
        for case in cases:
            draft = services.disclosure_from_case(case, head)
            services.disclosure_publish(disclosure=draft, by=head, today=today)

        quarter = (today.month - 1) // 3 + 1
        draw_day = today - datetime.timedelta(days=30)
        record = _draw_record(bureau, f"{bureau.region.code}-{today.year}Q{quarter}", draw_day)
        if record["population_size"]:
            checked = services.disclosure_create(
                agency=bureau,
                by=head,
                kind=Disclosure.Kind.RANDOM_CHECK,
                title=f"{bureau.name}{today.year}年第{quarter}季度“双随机、一公开”抽查结果",
                subject_name="、".join(target["name"] for target in record["targets"]),
                subject_kind=Subject.Kind.INSTITUTION,
                summary=(
                    f"{draw_day:%Y年%m月%d日}，从{record['population_size']}家定点医药机构中随机抽取"
                    f"{record['sample_size']}家开展医保基金使用情况检查，抽取记录见下。"
                ),
                outcome="被抽查机构未发现违法违规使用医保基金问题。",
                source_ref=f"demo-draw:{record['seed']}",
                draw_record=record,
            )
            services.disclosure_publish(disclosure=checked, by=head, today=today)

        services.disclosure_create(
            agency=bureau,
            by=head,
            kind=Disclosure.Kind.RANDOM_CHECK,
            title=f"{bureau.name}{today.year}年第{quarter}季度飞行检查结果（草稿）",
            summary="检查正在进行，结果待定。",
            source_ref="",
        )
