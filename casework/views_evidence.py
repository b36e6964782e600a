"""Investigation pages: evidence and its custody chain, the records, 先行登记保存."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import evidence as services
from casework.access import access_case_by_id, access_evidence_by_id, access_preservation_by_id
from casework.errors import DomainError
from casework.forms_evidence import EvidenceForm, HandOverForm, PreservationDecisionForm, PreservationForm, RecordForm
from casework.webutils import add_domain_errors
from intake import attachments

CHANGE_CASE = "casework.change_case"


@login_required
def evidence_add(request, pk):
    case = access_case_by_id(request.user, pk, perm=CHANGE_CASE)
    officers = services.enforcement_officers(agency_id=case.agency_id)
    form = EvidenceForm(
        request.POST or None, request.FILES or None, officers=officers, initial={"collected_by": [request.user.pk]}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence = _register_with_file(request, case, data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Evidence registered."))
            return redirect("evidence-detail", pk=evidence.pk)
    return render(request, "casework/evidence_form.html", {"case": case, "form": form})


def _register_with_file(request, case, data):
    checked = []
    try:
        if data["file"] is not None:
            checked = attachments.check_uploads(
                [data["file"]], allowed=attachments.EVIDENCE_TYPES, max_bytes=settings.EVIDENCE_MAX_BYTES
            )
        return services.evidence_register(
            case=case,
            by=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            collected_by=list(data["collected_by"]),
            collected_at=data["collected_at"],
            place=data["place"],
            checked_file=checked[0] if checked else None,
        )
    except DomainError as error:
        # The upload checker reports on "files"; this form has one "file".
        if "files" in error.errors:
            error.errors["file"] = error.errors.pop("files")
        raise
    finally:
        attachments.discard(checked)


@login_required
def record_add(request, pk):
    case = access_case_by_id(request.user, pk, perm=CHANGE_CASE)
    officers = services.enforcement_officers(agency_id=case.agency_id)
    form = RecordForm(request.POST or None, officers=officers, initial={"collected_by": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence = services.record_issue(
                case=case,
                by=request.user,
                kind=data["kind"],
                collected_by=list(data["collected_by"]),
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                place=data["place"],
                person=data["person"],
                person_details=data["person_details"],
                text=data["text"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("%(number)s issued and registered as evidence.") % {"number": evidence.document.number}
            )
            return redirect("evidence-detail", pk=evidence.pk)
    return render(request, "casework/record_form.html", {"case": case, "form": form})


@login_required
def evidence_detail(request, pk):
    evidence = access_evidence_by_id(request.user, pk)
    case = evidence.case
    can_act = request.user.has_perm(CHANGE_CASE, case)
    # Custody goes on after a case ends: items are still returned, archived or handed to the police.
    can_hand_over = can_act and services.can_hand_over(evidence=evidence, user=request.user)
    form = None
    if can_hand_over:
        officers = services.enforcement_officers(agency_id=case.agency_id).exclude(pk=evidence.holder_id)
        form = HandOverForm(officers=officers, initial={"holder": evidence.holder_id})
    context = {
        "evidence": evidence,
        "case": case,
        "collectors": evidence.collected_by.order_by("last_name", "first_name", "username"),
        "custody": evidence.custody.select_related("from_holder", "to_holder", "recorded_by"),
        "hand_over_form": form,
    }
    return render(request, "casework/evidence_detail.html", context)


@login_required
@require_POST
def evidence_hand_over(request, pk):
    evidence = access_evidence_by_id(request.user, pk, perm=CHANGE_CASE)
    officers = services.enforcement_officers(agency_id=evidence.case.agency_id)
    form = HandOverForm(request.POST, officers=officers)
    if not form.is_valid():
        messages.error(request, _("Choose the officer who receives the item."))
        return redirect("evidence-detail", pk=evidence.pk)
    data = form.cleaned_data
    # The holder the form was shown with: if the item changed hands since, the service refuses.
    evidence.holder_id = data["holder"]
    try:
        services.evidence_hand_over(
            evidence=evidence, by=request.user, to=data["to"], place=data["place"], note=data["note"]
        )
    except DomainError as error:
        _flash_all(request, error)
    else:
        messages.success(
            request, _("Handed over to %(name)s; the custody chain is updated.") % {"name": data["to"].display_name}
        )
    return redirect("evidence-detail", pk=evidence.pk)


@login_required
def evidence_download(request, pk):
    evidence = access_evidence_by_id(request.user, pk)
    if not evidence.has_file:
        raise Http404
    return attachments.download_response(
        sha256=evidence.sha256, filename=evidence.download_name, content_type=evidence.content_type
    )


@login_required
@require_POST
def preservation_add(request, pk):
    case = access_case_by_id(request.user, pk, perm=CHANGE_CASE)
    form = PreservationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("List the items preserved."))
        return redirect("case-detail", pk=case.pk)
    data = form.cleaned_data
    try:
        services.preservation_register(
            case=case, by=request.user, items=data["items"], place=data["place"], registered_on=data["registered_on"]
        )
    except DomainError as error:
        _flash_all(request, error)
    else:
        messages.success(request, _("Preservation registered; decide on it within 7 days."))
    return redirect("case-detail", pk=case.pk)


@login_required
@require_POST
def preservation_decide(request, pk):
    preservation = access_preservation_by_id(request.user, pk, perm=CHANGE_CASE)
    form = PreservationDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("case-detail", pk=preservation.case_id)
    data = form.cleaned_data
    try:
        decided = services.preservation_decide(
            preservation=preservation,
            by=request.user,
            decision=data["decision"],
            note=data["note"],
            decided_on=data["decided_on"],
        )
    except DomainError as error:
        _flash_all(request, error)
    else:
        if decided.decided_late:
            messages.warning(request, _("Decision recorded after the 7-day deadline; it is marked as late."))
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("case-detail", pk=preservation.case_id)


def _flash_all(request, error: DomainError) -> None:
    messages_of_fields = [str(m) for field_messages in error.errors.values() for m in field_messages]
    for message in messages_of_fields or [str(error.message)]:
        messages.error(request, message)
