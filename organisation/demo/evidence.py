"""Evidence on the demo cases under investigation: items collected in pairs, hand-overs, 先行登记保存."""

import datetime
import random

from django.utils import timezone

from casework.evidence import evidence_hand_over, evidence_register, preservation_decide, preservation_register
from casework.models import Case, Evidence, Preservation
from organisation.demo.history import on
from organisation.models import User

# (kind, title, place) of the items each case under investigation gets.
ITEMS = [
    (Evidence.Kind.DOCUMENTARY, "住院病历及费用清单复印件", "病案室"),
    (Evidence.Kind.ELECTRONIC, "医院信息系统收费明细导出数据", "信息科机房"),
    (Evidence.Kind.AUDIOVISUAL, "现场检查执法记录仪录像", "住院部病区"),
]
PRESERVED_ITEMS = ["可疑药品（阿莫西林胶囊）20盒", "手工登记的住院患者离院记录本2本", "空白收费票据50张"]


def seed_evidence(
    cases: list[Case], *, rng: random.Random, pair: tuple[User, User], head: User, replayed: list[Case] = ()
) -> None:
    """Items collected by the pair of investigators; the first of each handed to the section head.

    The `replayed` cases' evidence was collected on their second day after opening and registered then.
    """
    now = timezone.now()
    replayed_ids = {case.pk for case in replayed}
    for case_index, case in enumerate(cases):
        start = case.opened_at + datetime.timedelta(days=1) if case.pk in replayed_ids else case.opened_at
        end = case.opened_at + datetime.timedelta(days=2) if case.pk in replayed_ids else now
        span = max((end - start).total_seconds() - 3600, 3600)
        for index, (kind, title, place) in enumerate(ITEMS[: 2 + case_index % 2]):
            collected_at = start + datetime.timedelta(seconds=rng.uniform(0, span))
            with on(collected_at + datetime.timedelta(minutes=30) if case.pk in replayed_ids else now):
                item = evidence_register(
                    case=case,
                    by=pair[0],
                    kind=kind,
                    title=title,
                    collected_by=pair,
                    collected_at=collected_at,
                    place=f"{case.subjects.first().name}{place}",
                )
                if index == 0:
                    evidence_hand_over(evidence=item, by=pair[0], to=head, place="稽查科办公室", note="移交科室保管")
    _seed_preservations(cases, by=pair[0], head=head)


def _seed_preservations(cases: list[Case], *, by: User, head: User) -> None:
    """One awaiting its decision, one overdue, one decided in time."""
    today = timezone.localdate()
    for case, days_ago, items in zip(cases, (2, 10, 12), PRESERVED_ITEMS, strict=False):
        preservation = preservation_register(
            case=case, by=by, items=items, registered_on=today - datetime.timedelta(days=days_ago)
        )
        if days_ago == 12:
            preservation_decide(
                preservation=preservation,
                by=head,
                decision=Preservation.Decision.CONFISCATE,
                decided_on=preservation.registered_on + datetime.timedelta(days=5),
                note="作为证据予以扣留",
            )
