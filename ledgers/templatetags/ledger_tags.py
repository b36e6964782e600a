"""{% money_panel case %}: the case's ledgers on the case page, in a fixed number of queries."""

from django import template

from casework.models import Subject
from ledgers import selectors
from ledgers.forms import PaymentForm
from ledgers.models import DESTINATION, Ledger, Obligation
from ledgers.services import may_record_payment

register = template.Library()


@register.inclusion_tag("ledgers/money_panel.html", takes_context=True)
def money_panel(context, case):
    """Per ledger: obligations with subtotals; totals per destination; payments; the payment form.

    The caller has already checked that the user may view the case, so every obligation of the case is visible.
    """
    request = context["request"]
    user = request.user
    obligations = selectors.obligations_with_payments(Obligation.objects.filter(case=case))
    _, destinations = selectors.totals_table(selectors.by_ledger_of(obligations))
    payable = [o for o in obligations if o.is_open and may_record_payment(user, o)] if obligations else []
    payments = sorted(
        ((payment, o) for o in obligations for payment in o.payments.all()),
        key=lambda pair: (pair[0].paid_on, pair[0].pk),
    )
    return {
        "case": case,
        "sections": selectors.money_sections(obligations),
        "destinations": destinations if obligations else [],
        "payments": payments,
        "form": PaymentForm(obligations=payable, auto_id="id_payment_%s") if payable else None,
        "next": f"{request.path}#money",
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The current query string with one page parameter set (pages with two paginated tables)."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


@register.inclusion_tag("ledgers/includes/pagination.html", takes_context=True)
def group_pagination(context, page, param: str):
    return {"page": page, "param": param, "request": context["request"]}


@register.filter
def ledger_label(ledger: str) -> str:
    return Ledger(ledger).label


@register.filter
def ledger_destination(ledger: str) -> str:
    return str(DESTINATION[ledger])


@register.filter
def subject_kind_label(kind: str) -> str:
    return Subject.Kind(kind).label if kind in Subject.Kind.values else kind
