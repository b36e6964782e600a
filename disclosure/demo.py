"""Demo disclosures of one bureau, built through disclosure.services: typical cases from up to three of its closed
cases and the results of its drawn 双随机 plan (its draw record, which the public page re-runs), all published; and
one draft random-check result still being prepared. Idempotent: a bureau with disclosures is left as it is.
Run after inspections.demo.seed_inspections."""

import datetime

from django.db import transaction

from casework.models import Case
from disclosure import services
from disclosure.models import Disclosure
from disclosure.plan_results import disclosure_from_plan
from inspections.models import Plan
from organisation.models import Agency, User
from organisation.roles import Role


def _publisher(bureau: Agency) -> User | None:
    for role in (Role.SECTION_HEAD, Role.DIRECTOR):
        user = User.objects.filter(agency=bureau, groups__role_group__role=role).order_by("pk").first()
        if user is not None:
            return user
    return None


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
        plan = Plan.objects.filter(agency=bureau, kind=Plan.Kind.RANDOM).exclude(status=Plan.Status.DRAFT).first()
        if plan is not None:
            checked = disclosure_from_plan(plan, head)
            services.disclosure_publish(disclosure=checked, by=head, today=today)

        services.disclosure_create(
            agency=bureau,
            by=head,
            kind=Disclosure.Kind.RANDOM_CHECK,
            title=f"{bureau.name}{today.year}年第{quarter}季度飞行检查结果（草稿）",
            summary="检查正在进行，结果待定。",
            source_ref="",
        )
