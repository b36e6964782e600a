"""Referral pages for both sides: the list (inbox), the referral page with the step the user may take,
and the files of the package. Every step posts to one view that calls the service for it."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework.access import parse_id
from casework.errors import AlreadyDecided, DomainError
from casework.webutils import add_domain_errors, paginate
from intake import attachments
from referrals import counter, forms, services
from referrals.access import access_referral_by_id
from referrals.models import Referral
from referrals.selectors import referral_detail, referral_list, waiting_for

SEND, APPROVE = services.SEND, services.APPROVE
HANDLE, SUPERVISE = services.HANDLE, services.SUPERVISE


@dataclass(frozen=True)
class Step:
    """One thing a user can do on a referral: at which open task, with which permission and form."""

    label: str
    nodes: tuple
    perm: str
    form: type
    button: str
    danger: bool = False


STEPS = {
    "report": Step(
        gettext_lazy("Officers' report"), ("prepare",), SEND, forms.ReportForm, gettext_lazy("Submit to the head")
    ),
    "approve": Step(
        gettext_lazy("Head's decision"), ("approve",), APPROVE, forms.ApproveForm, gettext_lazy("Record the decision")
    ),
    "send": Step(
        gettext_lazy("Send the package"),
        ("send",),
        SEND,
        forms.NoFieldsForm,
        gettext_lazy("Issue the documents and send"),
    ),
    "receipt": Step(
        gettext_lazy("Sign the receipt"),
        ("receipt",),
        HANDLE,
        forms.NoFieldsForm,
        gettext_lazy("Sign the receipt (回执)"),
    ),
    "accept": Step(
        gettext_lazy("Accept"), ("receipt", "decide"), HANDLE, forms.AcceptForm, gettext_lazy("Accept the case")
    ),
    "reject": Step(
        gettext_lazy("Refuse"), ("receipt", "decide"), HANDLE, forms.RejectForm, gettext_lazy("Refuse the case"), True
    ),
    "forward": Step(
        gettext_lazy("Forward to the competent agency"),
        ("receipt", "decide"),
        HANDLE,
        forms.ForwardForm,
        gettext_lazy("Forward"),
    ),
    "reconsider": Step(
        gettext_lazy("Ask for reconsideration"),
        ("after_refusal",),
        SEND,
        forms.ReasonForm,
        gettext_lazy("Ask for reconsideration"),
    ),
    "supervision": Step(
        gettext_lazy("Ask the procuratorate to supervise"),
        ("after_refusal",),
        SEND,
        forms.ReasonForm,
        gettext_lazy("Ask for supervision"),
    ),
    "return": Step(
        gettext_lazy("Back to administrative penalty"),
        ("after_refusal",),
        SEND,
        forms.ReturnToPenaltyForm,
        gettext_lazy("Start the penalty track"),
    ),
    "close": Step(
        gettext_lazy("Accept the refusal"),
        ("after_refusal",),
        SEND,
        forms.NoteForm,
        gettext_lazy("Conclude the referral"),
        True,
    ),
    "answer": Step(
        gettext_lazy("Answer the reconsideration"),
        ("reconsider",),
        HANDLE,
        forms.ReconsiderAnswerForm,
        gettext_lazy("Record the answer"),
    ),
    "supervise": Step(
        gettext_lazy("Supervision decision"),
        ("supervise",),
        SUPERVISE,
        forms.SuperviseForm,
        gettext_lazy("Record the decision"),
    ),
    "outcome": Step(
        gettext_lazy("Report an outcome"), ("outcome",), HANDLE, forms.OutcomeForm, gettext_lazy("Record the outcome")
    ),
    "handover": Step(
        gettext_lazy("Hand-over of fines and evidence"),
        (),
        SEND,
        forms.HandoverForm,
        gettext_lazy("Record the hand-over"),
    ),
}


def _form(name: str, referral: Referral, data=None):
    form_class = STEPS[name].form
    if form_class is forms.ReportForm:
        return form_class(data, grounds=services.grounds_for(referral), evidence=referral.case.evidence.all())
    if form_class is forms.ForwardForm:
        return form_class(data, targets=services.forward_targets(referral))
    if form_class is forms.ReturnToPenaltyForm:
        return form_class(data, subjects=referral.case.subjects.order_by("name"))
    return form_class(data)


def available_steps(user, referral: Referral, task) -> list[str]:
    node = task.flow_task.name if task is not None else None
    names = []
    for name, step in STEPS.items():
        if name == "handover":
            offered = (
                referral.kind == Referral.Kind.CRIMINAL
                and referral.decided_at is not None
                and referral.handed_over_on is None
                and referral.status in (Referral.Status.ACCEPTED, Referral.Status.CONCLUDED)
            )
        else:
            offered = node in step.nodes
        if name == "reconsider":
            offered = offered and referral.reconsideration_requested_at is None
        if name == "supervision":
            offered = offered and services.can_request_supervision(referral)
        if name == "return":
            offered = offered and user.has_perm("casework.decide_case", referral.case)
        if offered and user.has_perm(step.perm, referral):
            names.append(name)
    return names


def _perform(name: str, referral: Referral, user, data: dict):
    if name == "report":
        return services.referral_report(
            referral=referral,
            by=user,
            grounds=list(data["grounds"]),
            facts=data["facts"],
            evidence=list(data["evidence"]),
        )
    if name == "approve":
        return services.referral_approve(
            referral=referral, by=user, approve=data["decision"] == "approve", note=data["note"]
        )
    if name == "send":
        return services.referral_send(referral=referral, by=user)
    if name == "receipt":
        return services.referral_receipt(referral=referral, by=user)
    if name == "accept":
        return services.referral_accept(referral=referral, by=user, reference=data["reference"], note=data["note"])
    if name == "reject":
        return services.referral_reject(referral=referral, by=user, reason=data["reason"])
    if name == "forward":
        return services.referral_forward(referral=referral, by=user, agency_code=data["agency"], reason=data["reason"])
    if name == "reconsider":
        return services.referral_reconsideration_request(referral=referral, by=user, reason=data["reason"])
    if name == "supervision":
        return services.referral_supervision_request(referral=referral, by=user, reason=data["reason"])
    if name == "return":
        return services.referral_return_to_penalty(
            referral=referral, by=user, subjects=list(data["subjects"]), note=data["note"]
        )
    if name == "close":
        return services.referral_accept_refusal(referral=referral, by=user, note=data["note"])
    if name == "answer":
        return services.referral_reconsideration_answer(
            referral=referral,
            by=user,
            accept=data["decision"] == "accept",
            answer=data["answer"],
            reference=data["reference"],
        )
    if name == "supervise":
        return services.referral_supervision_decide(
            referral=referral, by=user, order_filing=data["decision"] == "file", note=data["note"]
        )
    if name == "outcome":
        return services.referral_outcome_record(referral=referral, by=user, **data)
    if name == "handover":
        return services.referral_handover(referral=referral, by=user, on=data["on"])
    raise Http404


@login_required
def referral_list_view(request):
    referrals = referral_list(user=request.user)
    tab = request.GET.get("tab", "waiting")
    if tab == "waiting":
        referrals = waiting_for(referrals, request.user)
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    if kind in Referral.Kind.values:
        referrals = referrals.filter(kind=kind)
    context = {
        "page": paginate(request, referrals),
        "tab": tab,
        "status": status,
        "kind": kind,
        "statuses": Referral.Status.choices,
        "kinds": Referral.Kind.choices,
        "may_send_leads": counter.may_send(request.user),
    }
    return render(request, "referrals/referral_list.html", context)


def _render_detail(request, referral: Referral, bound: dict | None = None, status: int = 200):
    detail = referral_detail(referral)
    names = available_steps(request.user, referral, detail["task"])
    bound = bound or {}
    steps = [(name, STEPS[name], bound.get(name) or _form(name, referral)) for name in names]
    context = {
        "referral": referral,
        **detail,
        "steps": steps,
        "is_sender": request.user.has_perm(SEND, referral),
        "is_receiver": request.user.has_perm(HANDLE, referral),
        "may_see_case": request.user.has_perm("casework.view_case", referral.case),
    }
    return render(request, "referrals/referral_detail.html", context, status=status)


@login_required
def referral_detail_view(request, pk):
    return _render_detail(request, access_referral_by_id(request.user, pk))


@login_required
@require_POST
def referral_act(request, pk, step):
    if step not in STEPS:
        raise Http404
    referral = access_referral_by_id(request.user, pk)
    if not request.user.has_perm(STEPS[step].perm, referral):
        raise PermissionDenied
    form = _form(step, referral, request.POST)
    if form.is_valid():
        try:
            _perform(step, referral, request.user, form.cleaned_data)
        except AlreadyDecided as error:
            messages.warning(request, str(error.message) or _("Someone else has already taken this step."))
            return redirect("referral-detail", pk=referral.pk)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("%(step)s: done.") % {"step": STEPS[step].label})
            return redirect("referral-detail", pk=referral.pk)
    referral = access_referral_by_id(request.user, pk)
    return _render_detail(request, referral, bound={step: form}, status=400)


@login_required
def referral_evidence_file(request, pk, evidence_id):
    """A file of the package, for whoever may read the referral (the receiving agency cannot read the case)."""
    referral = access_referral_by_id(request.user, pk)
    evidence = referral.evidence.filter(pk=parse_id(evidence_id)).first()
    if evidence is None or not evidence.has_file:
        raise Http404
    return attachments.download_response(
        sha256=evidence.sha256, filename=evidence.download_name, content_type=evidence.content_type
    )


@login_required
def referral_task(request, task_id, **kwargs):
    """A referral task's page is the referral page."""
    from viewflow.workflow.models import Task

    task = Task.objects.filter(pk=parse_id(task_id), flow_task__in=_human_nodes()).select_related("process").first()
    if task is None:
        raise Http404
    referral = access_referral_by_id(request.user, task.process.referralprocess.referral_id)
    return redirect("referral-detail", pk=referral.pk)


def _human_nodes():
    from workflows.referral import HUMAN_NODES

    return HUMAN_NODES


@login_required
def counter_referral_new(request):
    """A partner agency's liaison sends the bureau a lead (反向移送); it lands in the bureau's triage."""
    if not counter.may_send(request.user):
        raise PermissionDenied
    form = forms.CounterReferralForm(
        request.POST or None,
        bureaus=counter.bureaus_for(request.user),
        referrals=counter.related_referrals(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            counter.counter_referral_submit(
                by=request.user,
                bureau_code=data.pop("bureau"),
                **data,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The lead has been sent to the bureau's triage."))
            return redirect("counter-referral-list")
    return render(request, "referrals/counter_referral_form.html", {"form": form})


@login_required
def counter_referral_list(request):
    """What the user's agency has sent the bureau, with where each lead stands."""
    from referrals.models import CounterReferral

    sent = CounterReferral.objects.filter(from_agency_id=request.user.agency_id).select_related(
        "lead__agency", "referral__letter"
    )
    return render(request, "referrals/counter_referral_list.html", {"page": paginate(request, sent)})
