"""Forms of the recovery pages: shapes only; recoveries.services checks the rules (balances, dates)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.penalty_rules import add_months
from organisation.models import Agency
from recoveries.models import EnforcementStep, Recovery, RecoveryPayment, Status

STATUS_CHOICES = [("", _("All")), *Status.choices]
DEBTOR_ROWS = 5
MAX_INSTALMENTS = 60


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label, *, required=True, initial_today=False):
    return forms.DateField(
        label=label, required=required, widget=DateInput(), initial=timezone.localdate if initial_today else None
    )


def _amount(label, *, required=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "12345.60"}),
    )


class ListFilterForm(forms.Form):
    court = forms.ModelChoiceField(label=_("Court"), required=False, queryset=Agency.objects.none())
    debtor = forms.CharField(label=_("Debtor name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, courts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if courts is not None:
            self.fields["court"].queryset = courts


class DebtorChoiceMixin:
    def set_debtors(self, debtors):
        self.fields["debtor"].choices = [("", "—")] + [(d.pk, d.name) for d in debtors]


class PaymentForm(DebtorChoiceMixin, forms.Form):
    debtor = forms.TypedChoiceField(label=_("Debtor"), coerce=int, choices=())
    paid_on = _date(_("Paid on"), initial_today=True)
    amount = _amount(_("Amount (yuan)"))
    channel = forms.ChoiceField(label=_("Channel"), choices=RecoveryPayment.Channel.choices)
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=60)

    def __init__(self, *args, debtors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_debtors(debtors)


class InstalmentForm(DebtorChoiceMixin, forms.Form):
    """A plan of equal monthly instalments from a first due date."""

    debtor = forms.TypedChoiceField(label=_("Debtor"), coerce=int, choices=())
    first_due_on = _date(_("First instalment due on"))
    amount = _amount(_("Amount of each instalment (yuan)"))
    count = forms.IntegerField(
        label=_("Number of monthly instalments"), min_value=1, max_value=MAX_INSTALMENTS, initial=1
    )

    def __init__(self, *args, debtors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_debtors(debtors)

    def items(self):
        data = self.cleaned_data
        return [(add_months(data["first_due_on"], n), data["amount"]) for n in range(data["count"])]


class EnforcementForm(forms.Form):
    applied_on = _date(_("Applied on"), initial_today=True)
    court_reference = forms.CharField(
        label=_("Enforcement case number"),
        required=False,
        max_length=100,
        help_text=_("Once the court has filed it, e.g. (2026)苏0703执456号."),
    )
    debtors = forms.TypedMultipleChoiceField(
        label=_("Against"),
        required=False,
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all debtors."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, debtors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debtors"].choices = [(d.pk, d.name) for d in debtors]


class StepForm(forms.Form):
    application = forms.TypedChoiceField(label=_("Enforcement application"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Step"), choices=EnforcementStep.Kind.choices)
    happened_on = _date(_("On"), initial_today=True)
    court_reference = forms.CharField(label=_("Enforcement case number"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [
            (a.pk, f"{a.applied_on:%Y-%m-%d} {a.court_reference}".strip()) for a in applications
        ]


class MeetingForm(forms.Form):
    """追缴会: the meeting, then for each debtor: attended, paid on the spot (with receipt), promised by a date."""

    held_on = _date(_("Held on"), initial_today=True)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, debtors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.debtors = list(debtors)
        for debtor in self.debtors:
            self.fields[f"attended_{debtor.pk}"] = forms.BooleanField(label=_("Attended"), required=False)
            self.fields[f"paid_{debtor.pk}"] = _amount(_("Paid on the spot (yuan)"), required=False)
            self.fields[f"receipt_{debtor.pk}"] = forms.CharField(
                label=_("Receipt number"), required=False, max_length=60
            )
            self.fields[f"promised_{debtor.pk}"] = _amount(_("Promised (yuan)"), required=False)
            self.fields[f"deadline_{debtor.pk}"] = _date(_("Promised by"), required=False)

    def rows(self):
        """(debtor, attended, paid, receipt, promised, deadline) bound fields, one row per debtor."""
        return [
            (debtor, *(self[f"{name}_{debtor.pk}"] for name in ("attended", "paid", "receipt", "promised", "deadline")))
            for debtor in self.debtors
        ]

    def clean(self):
        data = super().clean()
        for debtor in self.debtors:
            paid, promised = data.get(f"paid_{debtor.pk}"), data.get(f"promised_{debtor.pk}")
            if paid and not data.get(f"receipt_{debtor.pk}"):
                self.add_error(f"receipt_{debtor.pk}", _("Give the receipt number of the payment."))
            if promised and not data.get(f"deadline_{debtor.pk}"):
                self.add_error(f"deadline_{debtor.pk}", _("By when?"))
            if (paid or promised) and not data.get(f"attended_{debtor.pk}"):
                data[f"attended_{debtor.pk}"] = True
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "place": data["place"],
            "note": data["note"],
            "attending": [d for d in self.debtors if data.get(f"attended_{d.pk}")],
            "payments": [
                (d, data[f"paid_{d.pk}"], data[f"receipt_{d.pk}"]) for d in self.debtors if data.get(f"paid_{d.pk}")
            ],
            "promises": [
                (d, data[f"promised_{d.pk}"], data[f"deadline_{d.pk}"])
                for d in self.debtors
                if data.get(f"promised_{d.pk}")
            ],
        }


class OpenForm(forms.Form):
    """Open a recovery by hand from a case: the judgment and up to DEBTOR_ROWS debtors."""

    court = forms.ModelChoiceField(label=_("Court"), queryset=Agency.objects.none())
    reference = forms.CharField(
        label=_("Judgment reference"), max_length=100, help_text=_("e.g. (2026)苏0703刑初123号")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Recovery.Kind.choices)
    judged_on = _date(_("Judged on"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, courts=None, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts if courts is not None else Agency.objects.none()
        self.subjects = {subject.pk: subject for subject in subjects}
        subject_choices = [("", "—")] + [(s.pk, s.name) for s in subjects]
        for index in range(DEBTOR_ROWS):
            self.fields[f"debtor_name_{index}"] = forms.CharField(label=_("Debtor"), required=False, max_length=100)
            self.fields[f"debtor_subject_{index}"] = forms.TypedChoiceField(
                label=_("Subject of the case"), required=False, coerce=int, empty_value=None, choices=subject_choices
            )
            self.fields[f"debtor_amount_{index}"] = _amount(_("Amount ordered (yuan)"), required=False)

    def debtor_rows(self):
        return [
            tuple(self[f"debtor_{name}_{index}"] for name in ("name", "subject", "amount"))
            for index in range(DEBTOR_ROWS)
        ]

    def debtors(self) -> list:
        data = self.cleaned_data
        rows = []
        for index in range(DEBTOR_ROWS):
            name, amount = data[f"debtor_name_{index}"], data[f"debtor_amount_{index}"]
            subject = self.subjects.get(data[f"debtor_subject_{index}"])
            if name or amount or subject:
                rows.append((name or (subject.name if subject else ""), subject, amount))
        return rows
