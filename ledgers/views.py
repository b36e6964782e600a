"""Money pages: totals per ledger and destination (/money/), the obligations list, one obligation with its
payments, a subject's money, and recording a payment (from the obligation page or the case's money panel)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casework.errors import DomainError
from casework.models import Case
from casework.webutils import add_domain_errors, paginate
from ledgers import selectors
from ledgers.access import access_obligation_by_id, access_subject_money
from ledgers.forms import MoneyFilterForm, ObligationFilterForm, PaymentForm
from ledgers.models import Obligation
from ledgers.selectors import MoneyFilter
from ledgers.services import may_record_payment, payment_problems, payment_record

GROUP_ROWS_PER_PAGE = 20


@login_required
def money_overview(request):
    """Totals per ledger and per destination, then the largest balances per subject and per case."""
    user = request.user
    form = MoneyFilterForm(request.GET or None, regions=selectors.regions_for(user))
    filters = MoneyFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = MoneyFilter(
            region=data["region"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            subject_kind=data["subject_kind"],
        )
    obligations = filters.apply(selectors.obligations_visible_to(user))
    ledgers, destinations = selectors.totals_table(obligations.totals_by_ledger())
    by_subject = Paginator(
        obligations.grouped("subject_id", "subject__name", "subject__code", "subject__kind"), GROUP_ROWS_PER_PAGE
    ).get_page(request.GET.get("subjects_page"))
    by_case = Paginator(obligations.grouped("case_id", "case__number"), GROUP_ROWS_PER_PAGE).get_page(
        request.GET.get("cases_page")
    )
    case_ids = {row["case_id"] for row in by_case}
    visible_cases = set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    for row in by_case:
        row["case_visible"] = row["case_id"] in visible_cases
    context = {
        "form": form,
        "ledgers": ledgers,
        "destinations": destinations,
        "by_subject": by_subject,
        "by_case": by_case,
        "overdue_count": obligations.overdue().count(),
    }
    return render(request, "ledgers/money_overview.html", context)


@login_required
def obligation_list(request):
    form = ObligationFilterForm(request.GET or None)
    filters = MoneyFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = MoneyFilter(
            ledger=data["ledger"],
            status=data["status"],
            case_number=data["case"].strip(),
            subject_query=data["subject"].strip(),
        )
    page = paginate(request, selectors.obligation_list(user=request.user, filters=filters))
    return render(request, "ledgers/obligation_list.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def obligation_detail(request, pk):
    obligation = access_obligation_by_id(request.user, pk, to_pay=request.method == "POST")
    form = None
    if request.method == "POST":
        form = PaymentForm(request.POST, obligations=[obligation], fixed=True)
        if _record(request, form, obligation):
            return redirect(_next_url(request) or reverse("money-obligation", args=[obligation.pk]))
    return _render_obligation(request, obligation, form)


@login_required
@require_POST
def payment_add(request):
    """Record a payment chosen on the case's money panel; on an error, the obligation page shows the form."""
    obligation = access_obligation_by_id(request.user, request.POST.get("obligation"), to_pay=True)
    form = PaymentForm(request.POST, obligations=[obligation], fixed=True)
    if _record(request, form, obligation):
        return redirect(_next_url(request) or reverse("money-obligation", args=[obligation.pk]))
    return _render_obligation(request, obligation, form)


@login_required
def subject_money(request, pk):
    subject = access_subject_money(request.user, pk)
    visible = selectors.obligations_visible_to(request.user).filter(subject=subject)
    obligations = selectors.obligations_with_payments(selectors.with_case_link(visible, request.user))
    ledgers, destinations = selectors.totals_table(selectors.by_ledger_of(obligations))
    context = {
        "subject": subject,
        "sections": selectors.money_sections(obligations),
        "ledgers": [row for row in ledgers if row.due],
        "destinations": destinations,
    }
    return render(request, "ledgers/subject_money.html", context)


def _record(request, form: PaymentForm, obligation: Obligation) -> bool:
    """Validate the form and record the payment; on success say what is left, on failure keep the errors."""
    if not form.is_valid():
        # Show what the ledger would refuse too (e.g. an overpayment) next to the form's own errors.
        problems = payment_problems(
            obligation=obligation,
            paid_on=form.cleaned_data.get("paid_on"),
            amount=form.data.get("amount", ""),
            voucher=form.data.get("voucher", ""),
            channel=form.data.get("channel", ""),
        )
        for field, field_messages in problems.items():
            if field in form.fields and field not in form.errors:
                for message in field_messages:
                    form.add_error(field, message)
        return False
    data = form.cleaned_data
    try:
        payment = payment_record(
            obligation=obligation,
            by=request.user,
            paid_on=data["paid_on"],
            amount=data["amount"],
            voucher=data["voucher"],
            channel=data["channel"],
        )
    except DomainError as error:
        add_domain_errors(form, error)
        return False
    balance = obligation.balance - payment.amount
    messages.success(
        request,
        _("Payment of ¥%(amount)s recorded in the ledger “%(ledger)s”; ¥%(balance)s is still due.")
        % {"amount": f"{payment.amount:,.2f}", "ledger": obligation.get_ledger_display(), "balance": f"{balance:,.2f}"},
    )
    return True


def _render_obligation(request, obligation: Obligation, form: PaymentForm | None):
    user = request.user
    may_pay = obligation.is_open and may_record_payment(user, obligation)
    if form is None and may_pay:
        form = PaymentForm(obligations=[obligation], fixed=True)
    context = {
        "obligation": obligation,
        "payments": obligation.payments.select_related("recorded_by").order_by("paid_on", "pk"),
        "case_visible": Case.objects.visible_to(user).filter(pk=obligation.case_id).exists(),
        "form": form,
        "next": _next_url(request) or "",
    }
    return render(request, "ledgers/obligation_detail.html", context)


def _next_url(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None
