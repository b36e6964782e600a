"""A random check's results as a disclosure (双随机一公开): the plan's own draw record, published so that anyone
can re-run the draw (inspections.sampling) and compare it with the targets listed.

Only the drawn targets are published — review targets imported from screening (bills, outpatient spenders)
concern insured persons and are not part of the random check. The published record keeps what the draw needs
(seed, algorithm, percent, minimum, population with strata and weights, inspector pool and conflicts as
numbers), not the credit grades behind the weights nor the inspectors' names.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import InvalidInput
from disclosure import services
from disclosure.models import Disclosure
from inspections import sampling
from inspections.models import Plan, Target
from organisation.models import User

# The published texts are in Chinese, like the bureau's documents.
TARGET_OUTCOMES = {
    Target.Result.NOTHING_FOUND: "未发现违法违规问题",
    Target.Result.FOUND: "发现问题，已转入线索核查依法处理",
    Target.Result.PENDING: "检查中",
}
RECORD_KEYS = ("algorithm_version", "seed", "percent", "minimum", "drawn_on", "pool", "conflicts")
MEMBER_KEYS = ("id", "code", "stratum", "category", "weight")


def plan_public_record(plan: Plan) -> dict:
    """The plan's draw record as the public reads it, with each drawn target's name and outcome."""
    record = {key: plan.draw_record[key] for key in RECORD_KEYS if key in plan.draw_record}
    record["plan"] = plan.title
    record["population"] = [{key: m[key] for key in MEMBER_KEYS} for m in plan.draw_record.get("population", [])]
    record["population_size"] = len(record["population"])
    targets = plan.targets.filter(origin=Target.Origin.DRAW).select_related("subject").order_by("position")
    record["targets"] = [
        {
            "id": target.subject_id,
            "kind": target.subject.kind,
            "code": target.subject.code,
            "name": target.subject.name,
            "stratum": target.stratum,
            "visited_on": target.visited_on.isoformat() if target.visited_on else "",
            "outcome": TARGET_OUTCOMES[target.result],
        }
        for target in targets
    ]
    record["sample_size"] = len(record["targets"])
    return record


def _texts(plan: Plan, record: dict) -> tuple[str, str]:
    targets = record["targets"]
    found = sum(1 for t in targets if t["outcome"] == TARGET_OUTCOMES[Target.Result.FOUND])
    clean = sum(1 for t in targets if t["outcome"] == TARGET_OUTCOMES[Target.Result.NOTHING_FOUND])
    pending = len(targets) - found - clean
    summary = (
        f"{timezone.localtime(plan.drawn_at):%Y年%m月%d日}，{plan.agency.name}按“{plan.get_kind_display()}”方式，"
        f"以随机种子{plan.seed}、抽取算法{plan.algorithm_version}，从{record['population_size']}家定点医药机构中"
        f"分层随机抽取{len(targets)}家（比例{plan.sample_percent}%，不少于{plan.sample_minimum}家），"
        f"随机匹配执法检查人员，于{plan.period_from:%Y年%m月%d日}至{plan.period_to:%Y年%m月%d日}开展医保基金使用情况检查。"
        "抽取记录公开如下，任何人均可按种子与算法复核抽取结果。"
    )
    outcome = f"已检查{found + clean}家：{clean}家未发现违法违规问题；{found}家发现问题，已转入线索核查依法处理。"
    if pending:
        outcome += f"另有{pending}家正在检查，结果将另行公开。"
    return summary, outcome


@transaction.atomic
def disclosure_from_plan(plan: Plan, by: User) -> Disclosure:
    """A draft random-check result prefilled from a drawn plan of by's bureau."""
    if plan.status == Plan.Status.DRAFT or not plan.draw_record:
        raise InvalidInput(errors={"plan": [_("Only a drawn plan's results can be published.")]})
    record = plan_public_record(plan)
    summary, outcome = _texts(plan, record)
    return services.disclosure_create(
        agency=plan.agency,
        by=by,
        kind=Disclosure.Kind.RANDOM_CHECK,
        title=f"{plan.title}结果公开"[:200],
        subject_name="、".join(t["name"] for t in record["targets"])[:200],
        summary=summary,
        outcome=outcome,
        source_ref=f"inspection-plan:{plan.pk}",
        draw_record=record,
    )


def draw_check(record: dict) -> bool | None:
    """Re-run a published draw: True when it gives exactly the targets listed, False when not, None when the
    record is not one this system can re-run (typed in by hand, or another algorithm)."""
    if not isinstance(record, dict) or record.get("algorithm_version") != sampling.ALGORITHM_VERSION:
        return None
    try:
        drawn = sampling.draw(record)
    except (sampling.DrawError, KeyError, TypeError, ValueError):
        return False
    listed = [t.get("id") for t in record.get("targets", []) if isinstance(t, dict)]
    return sorted(row["subject"] for row in drawn) == sorted(listed)
