"""A demo special action per bureau, modelled on the Liyang 2018 action (seed 004), built through
inspections.actions.

The bureau leads, the city's health commission, police and market regulation join; the leading group is
named as in 附件1; the four phases span the last three months with the summary phase under way; the
bureau's inspection plans of the period run under it, and its closing report is issued. Idempotent: a
bureau that already leads an action is left as it is.
"""

import datetime

from django.db import transaction

from inspections import actions
from inspections.models import Plan, SpecialAction
from organisation.demo.cities import CITIES
from organisation.models import Agency, User
from organisation.roles import Role

GOALS = (
    "聚焦医疗保障领域违法违规和欺诈骗保行为，以定点医疗机构和定点零售药店及参保人员为主要检查对象，"
    "以住院和门诊服务、药店购药服务为主要检查内容；加大医疗保障反欺诈工作力度，形成高压态势，"
    "达到宣传法规、强化管理、净化环境、震慑犯罪的目的。"
)
PHASE_TASKS = {
    "deploy": "成立领导小组，制定专项行动实施方案，公布欺诈骗保投诉举报电话，组织实施专项行动。",
    "self_check": "组织学习医疗保障政策，按照要求开展自查；根据日常监管、智能监控和投诉举报线索重点梳理、集中检查。",
    "rectify": "对查实的违法违规案例依法依规处理，约谈机构主要负责人；涉嫌犯罪的移送公安机关；迎接上级抽查。",
    "summary": "汇总分析自查情况，形成专项行动工作总结，填写专项行动情况统计表（附件2、3）并报送。",
}
# Per city: (the health commission's, the police's and market regulation's deputies, the fund centre's member).
PEOPLE = {
    "320700": ("孙立华", "韩志勇", "宋雅琴", "陆文斌"),
    "320400": ("汤志红", "华永刚", "储雪梅", "芮建新"),
}
DEFAULT_PEOPLE = ("李建强", "史森华", "蔡国芳", "刘浩")


def seed_special_action(*, bureau: Agency, today: datetime.date) -> SpecialAction | None:
    """The action above for the bureau; None when it already leads one or has no section head."""
    if SpecialAction.objects.filter(agency=bureau).exists():
        return None
    head = _staff(bureau, Role.SECTION_HEAD)
    if head is None:
        return None
    director = _staff(bureau, Role.DIRECTOR)
    city = next((c for c in CITIES if c.code == bureau.region.code), None)
    health_deputy, police_deputy, market_deputy, centre_member = PEOPLE.get(bureau.region.code, DEFAULT_PEOPLE)
    members = {
        agency.kind: agency
        for agency in Agency.objects.filter(
            region=bureau.region, kind__in=[Agency.Kind.HEALTH, Agency.Kind.POLICE, Agency.Kind.MARKET]
        )
    }
    period_from = today - datetime.timedelta(days=84)
    period_to = today + datetime.timedelta(days=13)
    with transaction.atomic():
        action = actions.action_create(
            agency=bureau,
            by=head,
            title=f"{period_from.year}年{bureau.region.name}打击欺诈骗取医疗保障基金专项行动",
            period_from=period_from,
            period_to=period_to,
            regions=[bureau.region],
            member_agencies=list(members.values()),
            goals=GOALS,
            office=bureau.name,
        )
        day = datetime.timedelta(days=1)
        phases = (
            ("deploy", period_from, period_from + 13 * day),
            ("self_check", period_from + 14 * day, period_from + 41 * day),
            ("rectify", period_from + 42 * day, today - 8 * day),
            ("summary", today - 7 * day, period_to),
        )
        for kind, starts_on, ends_on in phases:
            actions.phase_set(action, kind=kind, starts_on=starts_on, ends_on=ends_on, tasks=PHASE_TASKS[kind])
        group = [
            ("leader", director.display_name if director else "陈剑", "市医疗保障局局长", bureau),
            ("deputy", health_deputy, "市卫生健康委员会副主任", members.get(Agency.Kind.HEALTH)),
            ("deputy", police_deputy, "市公安局治安支队支队长", members.get(Agency.Kind.POLICE)),
            ("deputy", market_deputy, "市市场监督管理局副局长", members.get(Agency.Kind.MARKET)),
            ("member", head.display_name, "市医疗保障局基金监管科科长", bureau),
            ("member", centre_member, "市医疗保险管理中心主任", None),
        ]
        if city is not None:
            group.append(
                ("member", city.people["health"], "市卫生健康委员会医政医管处处长", members.get(Agency.Kind.HEALTH))
            )
            group.append(("member", city.people["police"], "市公安局经侦支队副支队长", members.get(Agency.Kind.POLICE)))
            group.append(
                ("member", city.people["market"], "市市场监督管理局药品流通监管处处长", members.get(Agency.Kind.MARKET))
            )
        for position, name, post, agency in group:
            actions.group_member_add(action, position=position, name=name, post=post, agency=agency)
        plans = Plan.objects.filter(
            agency=bureau, action__isnull=True, period_to__gte=period_from, period_from__lte=period_to
        ).order_by("period_from", "pk")
        for plan in plans:
            actions.plan_attach(action, plan=plan)
        actions.action_report_issue(action, by=head, summary=_summary(action, bureau))
    return action


def _staff(bureau: Agency, role: str) -> User | None:
    return (
        User.objects.filter(agency=bureau, groups__role_group__role=role, is_active=True).order_by("username").first()
    )


def _summary(action: SpecialAction, bureau: Agency) -> str:
    plans = list(actions.action_plans(action))
    drawn = sum(plan.drawn for plan in plans)
    visited = sum(plan.visited for plan in plans)
    found = sum(plan.found for plan in plans)
    return "\n".join(
        [
            "一、组织准备情况",
            f"按照统一部署，{bureau.name}会同市卫生健康委员会、市公安局、市市场监督管理局成立专项行动领导小组，"
            "制定实施方案，公布欺诈骗保投诉举报电话，召开动员部署会议。",
            "二、专项行动开展情况",
            f"专项行动期间共实施检查计划{len(plans)}项，确定检查对象{drawn}家，已完成现场检查{visited}家，"
            f"发现违规问题{found}家，相关线索已转入案件办理程序。对住院单次医疗费用超过5万元的票据和门诊费用"
            "排名前100位的参保人员开展了复查。",
            "三、发现的问题和整改情况",
            "部分定点医疗机构存在挂床住院、串换项目收费等问题；已约谈相关机构主要负责人，责令限期整改，"
            "并依法依规追回违规费用。",
            "四、工作建议",
            "进一步完善智能监控规则，健全部门联动和行刑衔接机制，推动医保基金监管常态化、制度化。",
        ]
    )
