"""Demo 协查 between the two cities' bureaus, through assists.services: 连云港 asked 常州 about a hospital its
patients used (answered), and 常州 asks 连云港 about a pharmacy (open, due in a week). Idempotent."""

import datetime

from django.db import transaction

from assists import services
from assists.models import AssistRequest
from casework.models import Case
from organisation.models import Agency, User


def _head(bureau: Agency) -> User | None:
    return User.objects.filter(agency=bureau, groups__role_group__role="section_head").order_by("username").first()


def seed_assists(*, first: Agency, second: Agency, today: datetime.date) -> None:
    if AssistRequest.objects.filter(from_agency__in=[first, second]).exists():
        return
    asker, answerer = _head(first), _head(second)
    if asker is None or answerer is None:
        return
    with transaction.atomic():
        case = Case.objects.filter(agency=first).exclude(status=Case.Status.CLOSED).order_by("pk").first()
        answered = services.assist_send(
            by=asker,
            to_agency=second,
            case=case,
            subject_name=f"{second.region.name}第一人民医院",
            subject_kind="定点医疗机构",
            question="请协查参保人汪某2026年5月至7月在该院的三次住院记录是否真实，是否存在挂床住院。",
            evidence_wanted="住院病历首页、医嘱单、费用明细清单复印件（加盖公章）",
            due_on=today + datetime.timedelta(days=15),
        )
        services.assist_answer(
            request=answered,
            by=answerer,
            findings="经调取病历并询问主治医师，三次住院记录真实，住院期间均有查房和用药记录，未发现挂床住院。"
            "病历首页、医嘱单和费用明细复印件另行寄送。",
        )
        services.assist_send(
            by=answerer,
            to_agency=first,
            subject_name=f"{first.region.name}康泰大药房",
            subject_kind="定点零售药店",
            question="我局查处一起药店串换药品案，涉及该店为我市参保人刷卡购药，请协查其2026年8月的进销存台账。",
            evidence_wanted="2026年8月药品进销存台账、医保结算明细",
            due_on=today + datetime.timedelta(days=7),
        )
