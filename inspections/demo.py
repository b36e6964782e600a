"""Demo inspection plans of one city, built through inspections.services.

A 双随机 check of the city's designated institutions this quarter (5 %, at least 10, drawn with a fixed seed
and two visits recorded: one with nothing found, one with a finding that became a lead in triage; then the
review targets of the screening hits: inpatient bills over ¥50,000, the top outpatient spenders, and one
bill reviewed with a case opened on the spot), and a 飞行检查 of its pharmacies still in draft. Idempotent: a
bureau with plans is left as it is.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from casework.errors import DomainError
from casework.models import Subject, ViolationItem
from inspections import review, services
from inspections.models import Plan
from organisation.models import Agency, Region, User
from organisation.roles import Role


def _quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = datetime.date(today.year, first_month, 1)
    end = (
        datetime.date(today.year + 1, 1, 1) if first_month == 10 else datetime.date(today.year, first_month + 3, 1)
    ) - datetime.timedelta(days=1)
    return start, end


def _items(kind: str, *numbers: int) -> list[int]:
    return list(ViolationItem.objects.filter(subject_kind=kind, number__in=numbers).values_list("pk", flat=True))


def _import_reviews(plan: Plan, *, by: User) -> None:
    """The seed-004 review rules over the screening hits of the quarter; a section head opens a case on the
    spot at the first bill reviewed."""
    try:
        bills = review.review_import(plan, by=by, rule="inpatient_bill", source="screen_hits")
        review.review_import(plan, by=by, rule="outpatient_top", source="screen_hits")
    except DomainError:
        return  # too few investigators without a conflict: the plan keeps its drawn targets only
    first = bills.targets.order_by("position").first()
    if first is not None:
        services.target_visit(
            first,
            by=by,
            findings="核对住院病历与结算清单，发现虚记检查费用及串换高值耗材，涉及金额约1.8万元。",
            found=True,
            violations=_items(first.subject.kind, 5, 6),
            open_case=True,
            person="医保办主任",
        )


def seed_inspections(*, region: Region, today: datetime.date) -> list[Plan]:
    """The plans above for the bureau of region (code '<region>-bureau'); [] when it has no bureau or head."""
    bureau = Agency.objects.filter(region=region, kind=Agency.Kind.BUREAU).order_by("code").first()
    if bureau is None or Plan.objects.filter(agency=bureau).exists():
        return []
    head = (
        User.objects.filter(agency=bureau, groups__role_group__role=Role.SECTION_HEAD, is_active=True)
        .order_by("username")
        .first()
    )
    if head is None:
        return []
    start, end = _quarter(today)
    plans = []
    with transaction.atomic():
        random_check = services.plan_create(
            agency=bureau,
            by=head,
            title=f"{today.year}年第{(start.month - 1) // 3 + 1}季度定点医疗机构“双随机、一公开”检查",
            kind=Plan.Kind.RANDOM,
            period_from=start,
            period_to=end,
            subject_kinds=[Subject.Kind.INSTITUTION],
            regions=[region],
            sample_percent=Decimal("5"),
            sample_minimum=10,
        )
        plans.append(random_check)
        try:
            random_check = services.plan_draw(random_check, by=head, seed=f"{region.code}-{today.isoformat()}")
        except DomainError:
            random_check = None  # too few investigators or institutions: the plan stays a draft
        if random_check is not None:
            targets = list(random_check.targets.prefetch_related("inspectors").select_related("subject")[:2])
            if targets:
                first = targets[0]
                services.target_visit(
                    first,
                    by=first.inspectors.all()[0],
                    findings="查看医保结算清单、住院病历及药品进销存台账，未发现违规问题。",
                    found=False,
                    person="医务科负责人",
                )
            if len(targets) > 1:
                second = targets[1]
                services.target_visit(
                    second,
                    by=second.inspectors.all()[0],
                    findings="抽查在院患者12人，其中3人不在床且无请假记录，疑似挂床住院；已调取相关病历。",
                    found=True,
                    violations=_items(second.subject.kind, 3),
                    person="医务科负责人",
                )
            _import_reviews(random_check, by=head)
        plans.append(
            services.plan_create(
                agency=bureau,
                by=head,
                title=f"{today.year}年定点零售药店飞行检查",
                kind=Plan.Kind.UNANNOUNCED,
                period_from=start,
                period_to=end,
                subject_kinds=[Subject.Kind.PHARMACY],
                regions=[region],
                sample_percent=Decimal("10"),
                sample_minimum=0,
            )
        )
    return plans
