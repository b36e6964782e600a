"""Forms of the money pages: filters, and recording a payment (the rules are checked by ledgers.services)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.models import Subject
from ledgers.models import Ledger

STATUS_CHOICES = [("", _("All")), ("open", _("Open")), ("overdue", _("Overdue")), ("paid", _("Paid in full"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MoneyFilterForm(forms.Form):
    """/money/: region (with the regions below it), period of the obligation date, kind of subject."""

    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=None, empty_label=_("All my regions"))
    date_from = forms.DateField(label=_("Recorded from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Recorded to"), required=False, widget=DateInput())
    subject_kind = forms.ChoiceField(
        label=_("Kind of subject"), required=False, choices=[("", _("All"))] + Subject.Kind.choices
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda region: f"{region.name}（{region.code}）"


class ObligationFilterForm(forms.Form):
    ledger = forms.ChoiceField(label=_("Ledger"), required=False, choices=[("", _("All"))] + Ledger.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    case = forms.CharField(label=_("Case number"), required=False, max_length=60)
    subject = forms.CharField(label=_("Subject name or code"), required=False, max_length=120)


class PaymentForm(forms.Form):
    """A payment against one amount due; payment_record checks the amount, the date and the balance."""

    obligation = forms.TypedChoiceField(label=_("Amount due"), coerce=int, choices=())
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = forms.CharField(
        label=_("Amount (yuan)"),
        max_length=30,
        error_messages={"required": _("Enter the amount paid, e.g. 12345.60.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "12345.60"}),
    )
    voucher = forms.CharField(
        label=_("Voucher or receipt number"),
        max_length=60,
        error_messages={"required": _("Give the voucher or receipt number.")},
    )
    channel = forms.CharField(
        label=_("Paid by"),
        required=False,
        max_length=60,
        help_text=_("e.g. bank transfer, non-tax revenue payment, deduction from settlement"),
    )

    def __init__(self, *args, obligations=(), fixed: bool = False, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("paid_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["obligation"]
        field.choices = [(o.pk, _choice_label(o)) for o in obligations]
        if fixed:
            field.widget = forms.HiddenInput()
            field.initial = obligations[0].pk if obligations else None


def _choice_label(obligation) -> str:
    balance = gettext("balance ¥%(amount)s") % {"amount": f"{obligation.balance:,.2f}"}
    return f"{obligation.get_ledger_display()} · {obligation.subject.name} · {obligation.basis} · {balance}"
