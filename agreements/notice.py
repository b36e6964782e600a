"""The frozen context of the 违约处理通知书 (JSON, strings only): facts from the findings, the measures,
the clauses, and the subject's right to state its case. The wording is the document's, in Chinese."""

import datetime
from decimal import Decimal

from agreements import rules
from agreements.models import AgreementAction, AgreementMeasure
from casework.models import Violation
from documents.formatting import chinese_date, yuan

Kind = AgreementMeasure.Kind

SUBJECT_LABELS = {"institution": "定点医疗机构", "pharmacy": "定点零售药店"}


def subject_totals(action: AgreementAction) -> tuple[Decimal, Decimal]:
    """The improper amount (违规金额) and the fund loss found for the action's subject in its case."""
    amount = fund_loss = Decimal("0.00")
    for violation in Violation.objects.filter(case_id=action.case_id, subject_id=action.subject_id).only(
        "amount", "fund_loss"
    ):
        amount += violation.amount
        fund_loss += violation.fund_loss
    return amount, fund_loss


def self_reference(agency_name: str) -> str:
    """How the issuing agency calls itself in its documents: 我中心, 我局, 我处…"""
    for ending in ("中心", "局", "处", "所", "站"):
        if agency_name.endswith(ending):
            return f"我{ending}"
    return "我单位"


def measure_text(measure: AgreementMeasure, *, action: AgreementAction, improper_amount: Decimal) -> dict:
    """The measure as the notice states it: a heading and a sentence."""
    we = self_reference(action.agency.name)
    agreement = rules.agreement_name(action.subject.kind)
    payment_days = rules.rules_for(action.subject.region).payment_days
    date = chinese_date
    if measure.kind == Kind.INTERVIEW:
        text = f"{date(measure.interview_on)}，{we}约谈了你单位{measure.interviewees}，通报了违约问题并提出整改要求。"
        return {"heading": "约谈", "text": text, "record": measure.summary}
    if measure.kind == Kind.RECTIFICATION:
        requirements = f"：{measure.summary.strip().rstrip('。')}" if measure.summary.strip() else ""
        text = (
            f"你单位应于{date(measure.due_on)}前完成整改{requirements}，并将整改情况书面报送{we}。"
            f"{we}将于整改期满后进行复查。"
        )
        return {"heading": "限期整改", "text": text}
    if measure.kind == Kind.CRITICISM:
        scope = measure.summary.strip().rstrip("。") or "在全市定点医药机构范围内予以通报批评"
        return {"heading": "通报批评", "text": f"{scope}。"}
    if measure.kind == Kind.REFUSAL:
        return {"heading": "拒付违规费用", "text": f"你单位申报的违规费用{yuan(measure.amount)}元，医保基金不予支付。"}
    if measure.kind == Kind.RECOVERY:
        text = (
            f"追回已由医保基金支付的违规费用{yuan(measure.amount)}元，你单位应于处理决定生效之日起"
            f"{payment_days}日内退回医保基金账户。"
        )
        return {"heading": "追回医保基金", "text": text}
    if measure.kind == Kind.LIQUIDATED_DAMAGES:
        ratio = (measure.amount / improper_amount).quantize(Decimal("0.01")) if improper_amount else Decimal(0)
        text = (
            f"依据{measure.basis}，你单位应支付违约金{yuan(measure.amount)}元（为违规金额{yuan(improper_amount)}元的"
            f"{ratio}倍），于处理决定生效之日起{payment_days}日内缴纳。"
        )
        return {"heading": "支付违约金", "text": text}
    if measure.kind == Kind.SUSPENSION:
        text = (
            f"自{date(measure.starts_on)}起至{date(measure.ends_on)}止，暂停你单位医保服务{measure.months}个月。"
            "暂停期间发生的医疗费用，医保基金不予结算。"
        )
        return {"heading": "暂停医保服务", "text": text}
    if measure.kind == Kind.PARTIAL_SUSPENSION:
        who = "相关责任人员" if measure.scope == AgreementMeasure.Scope.PERSONS else "相关科室"
        text = (
            f"中止{measure.detail}涉及医疗保障基金使用的医药服务{measure.months}个月，"
            f"自{date(measure.starts_on)}起至{date(measure.ends_on)}止。"
        )
        return {"heading": f"中止{who}医保服务", "text": text}
    text = f"自{date(measure.starts_on)}起解除与你单位签订的{agreement}，此后发生的医疗费用，医保基金不予结算。"
    return {"heading": "解除定点服务协议", "text": text}


def notice_context(
    action: AgreementAction,
    *,
    measures: list[AgreementMeasure],
    issued_on: datetime.date,
    handler: str,
    final: bool = False,
) -> dict:
    subject, case = action.subject, action.case
    agreement_rules = rules.rules_for(subject.region)
    improper_amount, fund_loss = subject_totals(action)
    violations = Violation.objects.filter(case_id=case.pk, subject_id=subject.pk).select_related("item")
    context = {
        "subject_name": subject.name,
        "subject_code": subject.code,
        "subject_label": SUBJECT_LABELS.get(subject.kind, "定点医药机构"),
        "subject_address": subject.address,
        "case_number": case.number,
        "case_title": case.title,
        "bureau_name": case.agency.name,
        "regulation": rules.regulation_name(subject.kind),
        "agreement": rules.agreement_name(subject.kind),
        "violations": [
            {
                "item": f"{v.item.number}. {v.item.name}",
                "period": _period(v),
                "amount": yuan(v.amount),
                "fund_loss": yuan(v.fund_loss),
                "description": v.description,
            }
            for v in violations.order_by("pk")
        ],
        "totals": {"amount": yuan(improper_amount), "fund_loss": yuan(fund_loss)},
        "clauses": action.clauses,
        "measures": [measure_text(m, action=action, improper_amount=improper_amount) for m in measures],
        "statement_days": str(agreement_rules.statement_working_days),
        "statement_due": chinese_date(action.statement_due) if action.statement_due else "",
        "issued_on": chinese_date(issued_on),
        "handler": handler,
        "final": "1" if final else "",
        "we": self_reference(action.agency.name),
    }
    if final:
        context.update(
            {
                "first_notice_number": action.notice.number,
                "first_notice_on": chinese_date(action.notice_issued_on),
                "statement_received_on": (
                    chinese_date(action.statement_received_on) if action.statement_received_on else ""
                ),
                "statement_text": action.statement_text,
                "decision_reason": action.decision_reason,
            }
        )
    return context


def _period(violation: Violation) -> str:
    if not (violation.period_from or violation.period_to):
        return "—"
    start = chinese_date(violation.period_from) if violation.period_from else "…"
    end = chinese_date(violation.period_to) if violation.period_to else "…"
    return f"{start}至{end}"
