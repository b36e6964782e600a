"""Reward pages: the list (what waits for us, everything we may read), the reward page with the step
this user may take at the open task, the logged reveals of the claimant and of the bank details, the
statistics, and starting a case's reward by hand. Every step posts to one view that calls its service.

The reporter's identity and the payee's bank details are never rendered, except on the response to
the explicit reveal, which writes an ACCESS entry to the audit log (rewards.services).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from casework.access import access_case_by_id, parse_id
from casework.errors import AlreadyDecided, DomainError
from casework.webutils import add_domain_errors, paginate
from organisation.models import Region
from rewards import forms, rules, selectors, services
from rewards.access import access_reward_by_id, may_start_reward, may_use_reward_pages
from rewards.models import Reward
from workflows.reward import HUMAN_NODES, pending_task

HANDLE, APPROVE, COLLECTIVE = services.HANDLE, services.APPROVE, services.COLLECTIVE
PAY, PAYMENT = services.PAY, services.PAYMENT
# Service field names (payment.account, reporter.id_number) as the claim form's.
FORM_FIELDS = {
    "payment.payee": "payee",
    "payment.bank": "bank",
    "payment.account": "account",
    "reporter.name": "claimant_name",
    "reporter.phone": "claimant_phone",
    "reporter.id_number": "claimant_id_number",
}
CONFIDENTIAL_POST = ("payee", "bank", "account", "claimant_name", "claimant_phone", "claimant_id_number")


@dataclass(frozen=True)
class Step:
    """One thing a user can do on a reward: at which open task (its node's name), with which permission."""

    label: str
    perm: str
    form: type
    button: str


STEPS = {
    "review": Step(gettext_lazy("Eligibility review"), HANDLE, forms.ReviewForm, gettext_lazy("Record the review")),
    "propose": Step(gettext_lazy("Amount proposal"), HANDLE, forms.ProposeForm, gettext_lazy("Propose the amount")),
    "approve": Step(gettext_lazy("Approval"), APPROVE, forms.DecisionForm, gettext_lazy("Record the decision")),
    "collective": Step(
        gettext_lazy("Collective decision (集体研究)"),
        COLLECTIVE,
        forms.CollectiveForm,
        gettext_lazy("Record the collective decision"),
    ),
    "notify": Step(gettext_lazy("Notify the reporter"), HANDLE, forms.NotifyForm, gettext_lazy("Record the notice")),
    "claim": Step(gettext_lazy("Claim"), HANDLE, forms.ClaimForm, gettext_lazy("Record the claim")),
    "pay": Step(gettext_lazy("Payout by finance"), PAY, forms.PayForm, gettext_lazy("Record the payout")),
}


def _require_reward_role(user) -> None:
    if not may_use_reward_pages(user):
        raise PermissionDenied


def _form(name: str, reward: Reward, data=None):
    form_class = STEPS[name].form
    if form_class in (forms.NotifyForm, forms.ClaimForm):
        return form_class(data, anonymous=reward.report.anonymous)
    if form_class is forms.ProposeForm and data is None:
        return form_class(initial={"verified_amount": f"{services.verified_amount_of(reward.case):.2f}"})
    return form_class(data)


def available_steps(user, reward: Reward, task) -> list[str]:
    node = task.flow_task.name if task is not None else None
    return [name for name, step in STEPS.items() if name == node and user.has_perm(step.perm, reward)]


def _perform(name: str, reward: Reward, user, data: dict) -> Reward:
    if name == "review":
        return services.reward_review(
            reward=reward,
            by=user,
            checks=dict.fromkeys(data["checks"], True),
            exclusion=data["exclusion"],
            reason=data["reason"],
        )
    if name == "propose":
        return services.reward_propose(
            reward=reward,
            by=user,
            verified_amount=data["verified_amount"],
            amount=data["amount"] or None,
            reason=data["reason"],
            stopped=data["stopped"],
        )
    if name == "approve":
        return services.reward_approve(reward=reward, by=user, decision=data["decision"], note=data["note"])
    if name == "collective":
        return services.reward_collective_decide(reward=reward, by=user, decision=data["decision"], note=data["note"])
    if name == "notify":
        return services.reward_notify(reward=reward, by=user, channel=data.get("channel", ""))
    if name == "claim":
        claimant = None
        if reward.report.anonymous:
            claimant = {
                "name": data["claimant_name"],
                "phone": data["claimant_phone"],
                "id_number": data["claimant_id_number"],
            }
        return services.reward_claim(
            reward=reward,
            by=user,
            identity_check=data["identity_check"],
            payment={key: data[key] for key in services.PAYMENT_FIELDS},
            claimant=claimant,
        )
    if name == "pay":
        return services.reward_pay(reward=reward, by=user, paid_on=data["paid_on"], voucher_no=data["voucher_no"])
    raise Http404


# ---------------------------------------------------------------------------------------------- list


@login_required
def reward_list_view(request):
    _require_reward_role(request.user)
    rewards = selectors.reward_list(request.user)
    tab = request.GET.get("tab", "waiting")
    if tab == "waiting":
        rewards = selectors.waiting_for(rewards, request.user)
    status = request.GET.get("status", "")
    if status in Reward.Status.values:
        rewards = rewards.filter(status=status)
    context = {"page": paginate(request, rewards), "tab": tab, "status": status, "statuses": Reward.Status.choices}
    return render(request, "rewards/reward_list.html", context)


# ---------------------------------------------------------------------------------------------- the reward page


def _eligibility(reward: Reward) -> dict:
    checks = reward.checks or {}
    return {
        "answers": [(label, bool(checks.get(key))) for key, label in services.CRITERIA.items()],
        "exclusion": services.EXCLUSIONS.get(checks.get("exclusion") or "", ""),
        "history": [
            {"reason": entry.get("reason", ""), "exclusion": services.EXCLUSIONS.get(entry.get("exclusion") or "", "")}
            for entry in checks.get("history", [])
        ],
    }


def _render_detail(request, reward: Reward, *, bound=None, status: int = 200, identity=None, payment=None):
    user = request.user
    task = pending_task(reward)
    names = available_steps(user, reward, task)
    bound = bound or {}
    steps = [(name, STEPS[name], bound.get(name) or _form(name, reward)) for name in names]
    rule = rules.rule_for(reward.case.agency.region)
    context = {
        "reward": reward,
        "report": reward.report,
        "task": task,
        "steps": steps,
        "eligibility": _eligibility(reward),
        "rule": rule,
        "may_see_case": user.has_perm("casework.view_case", reward.case),
        "may_reveal_identity": user.has_perm(HANDLE, reward)
        and (not reward.report.anonymous or bool(reward.claimant_token)),
        "may_reveal_payment": bool(reward.payment_token)
        and (user.has_perm(PAYMENT, reward) or user.has_perm(HANDLE, reward)),
        "identity": identity,
        "payment": payment,
    }
    if "propose" in names:
        verified = services.verified_amount_of(reward.case)
        context["calculation"] = rules.calculate(rule, verified)
        context["case_verified_amount"] = verified
    if "approve" in names:
        context["needs_collective"] = services.needs_collective_decision(reward)
    return render(request, "rewards/reward_detail.html", context, status=status)


@login_required
def reward_detail_view(request, pk):
    return _render_detail(request, access_reward_by_id(request.user, pk))


@sensitive_post_parameters(*CONFIDENTIAL_POST)
@login_required
@require_POST
def reward_act(request, pk, step):
    if step not in STEPS:
        raise Http404
    reward = access_reward_by_id(request.user, pk)
    if not request.user.has_perm(STEPS[step].perm, reward):
        raise PermissionDenied
    form = _form(step, reward, request.POST)
    if form.is_valid():
        try:
            _perform(step, reward, request.user, form.cleaned_data)
        except AlreadyDecided as error:
            messages.warning(request, str(error.message) or _("Someone else has already taken this step."))
            return redirect("reward-detail", pk=reward.pk)
        except DomainError as error:
            error.errors = {FORM_FIELDS.get(field, field): msgs for field, msgs in error.errors.items()}
            add_domain_errors(form, error)
        else:
            messages.success(request, _("%(step)s: done.") % {"step": STEPS[step].label})
            return redirect("reward-detail", pk=reward.pk)
    reward = access_reward_by_id(request.user, pk)
    return _render_detail(request, reward, bound={step: form}, status=400)


@never_cache
@login_required
@require_POST
def reward_identity(request, pk):
    """Show the reporter's (or the anonymous claimant's) identity on this one response; the read is logged."""
    reward = access_reward_by_id(request.user, pk, perm=HANDLE)
    identity = services.reward_claimant(reward=reward, by=request.user)
    if not identity:
        messages.info(request, _("The anonymous reporter has not come forward to claim yet."))
        return redirect("reward-detail", pk=reward.pk)
    return _render_detail(request, reward, identity=identity)


@never_cache
@login_required
@require_POST
def reward_payment(request, pk):
    """Show the payee's bank details on this one response (finance and the reward handlers); logged."""
    reward = access_reward_by_id(request.user, pk)
    if not (request.user.has_perm(PAYMENT, reward) or request.user.has_perm(HANDLE, reward)):
        raise PermissionDenied
    if not reward.payment_token:
        messages.info(request, _("No bank details were recorded: the reward has not been claimed."))
        return redirect("reward-detail", pk=reward.pk)
    payment = services.reward_payment_details(reward=reward, by=request.user)
    return _render_detail(request, reward, payment=payment)


@login_required
def reward_task(request, task_id, **kwargs):
    """A reward task's page is the reward page."""
    from viewflow.workflow.models import Task

    task = Task.objects.filter(pk=parse_id(task_id), flow_task__in=HUMAN_NODES).select_related("process").first()
    if task is None:
        raise Http404
    reward = access_reward_by_id(request.user, task.process.rewardprocess.reward_id)
    return redirect("reward-detail", pk=reward.pk)


@login_required
@require_POST
def reward_start_view(request, pk):
    """A reward handler of the case's agency opens its reward (when closing the case did not)."""
    case = access_case_by_id(request.user, pk)
    if not may_start_reward(request.user, case):
        raise PermissionDenied
    existing = Reward.objects.visible_to(request.user).filter(case=case).first()
    if existing is not None:
        messages.info(request, _("The case's reward is already under way."))
        return redirect("reward-detail", pk=existing.pk)
    if not services.reward_due(case):
        messages.error(request, _("No reward is due: the case did not begin with a report or found no violation."))
        return redirect("case-detail", pk=case.pk)
    try:
        reward = services.reward_start(case=case, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("case-detail", pk=case.pk)
    messages.success(request, _("The reward review has started."))
    return redirect("reward-detail", pk=reward.pk)


# ---------------------------------------------------------------------------------------------- statistics


@login_required
def reward_statistics_view(request):
    """Rewards by region and period: paid (count, total, average days from receipt) and where they stand."""
    _require_reward_role(request.user)
    today = timezone.localdate()
    regions = selectors.regions_for(request.user)
    data = request.GET or {"date_from": today.replace(month=1, day=1).isoformat(), "date_to": today.isoformat()}
    form = forms.StatisticsForm(data, regions=regions)
    region, date_from, date_to = None, None, None
    if form.is_valid():
        region = form.cleaned_data["region"]
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    chosen = Region.objects.filter(pk__in=region.descendant_ids()).order_by("code") if region else regions
    statistics = selectors.reward_statistics(
        rewards=Reward.objects.visible_to(request.user), regions=chosen, date_from=date_from, date_to=date_to
    )
    context = {"form": form, "statistics": statistics, "date_from": date_from, "date_to": date_to}
    return render(request, "rewards/reward_statistics.html", context)
