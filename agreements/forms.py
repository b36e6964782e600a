"""Forms of the agreement task pages; the services validate the rules, the forms only the shapes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementAction, AgreementMeasure


def _date(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label, *, required=True, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# The fields a measure of each kind can take, with labels fitting that kind.
def _measure_fields() -> dict:
    return {
        "interview_on": _date(_("Interviewed on")),
        "interviewees": forms.CharField(
            label=_("Persons interviewed"), max_length=200, help_text=_("Names and posts, e.g. the director.")
        ),
        "summary": _text(_("Record of the interview")),
        "due_on": _date(_("Rectify by")),
        "amount": forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0),
        "months": forms.IntegerField(label=_("Months"), min_value=1, max_value=120),
        "starts_on": _date(_("Takes effect on")),
        "scope": forms.ChoiceField(label=_("Suspended"), choices=AgreementMeasure.Scope.choices),
        "detail": forms.CharField(
            label=_("Persons or departments"), max_length=200, help_text=_("Name each person or department.")
        ),
    }


SUMMARY_LABELS = {
    AgreementMeasure.Kind.INTERVIEW: (_("Record of the interview"), True),
    AgreementMeasure.Kind.RECTIFICATION: (_("What must be rectified"), True),
    AgreementMeasure.Kind.CRITICISM: (_("Scope of the criticism"), False),
}
STARTS_LABELS = {AgreementMeasure.Kind.TERMINATION: _("Terminated from")}


class MeasureForm(forms.Form):
    """One kind of measure; built with only the fields that kind takes (AgreementMeasure.FIELDS)."""

    def __init__(self, *args, kind: str, **kwargs):
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        available = _measure_fields()
        for name in AgreementMeasure.FIELDS[kind]:
            self.fields[name] = available[name]
        if "summary" in self.fields:
            label, required = SUMMARY_LABELS[kind]
            self.fields["summary"].label, self.fields["summary"].required = label, required
        if kind in STARTS_LABELS:
            self.fields["starts_on"].label = STARTS_LABELS[kind]

    @property
    def label(self) -> str:
        return str(AgreementMeasure.Kind(self.kind).label)


def measure_forms(data=None, *, bound_kind: str | None = None) -> list[MeasureForm]:
    """A form per kind of measure; only the one submitted is bound."""
    return [MeasureForm(data if kind == bound_kind else None, kind=kind) for kind in AgreementMeasure.Kind.values]


class NoticeForm(forms.Form):
    clauses = _text(
        _("Agreement clauses breached"),
        rows=2,
        help_text=_("As the notice cites them, e.g. 《定点医疗机构服务协议》第二十一条、第四十五条."),
    )
    issued_on = _date(
        _("Served on"), required=False, help_text=_("Leave empty for today; the statement window counts from it.")
    )


class StatementForm(forms.Form):
    received_on = _date(_("Received on"))
    text = _text(_("What the subject stated"), rows=4)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=AgreementAction.Decision.choices, widget=forms.RadioSelect
    )
    reason = _text(_("Reasons"), required=False, rows=3, help_text=_("Required when the measures are revised."))
    decided_on = _date(_("Decided on"), required=False, help_text=_("Leave empty for today."))


class CheckForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=AgreementAction.CheckResult.choices, widget=forms.RadioSelect)
    note = _text(_("What the check found"), rows=3)
    checked_on = _date(_("Checked on"), required=False, help_text=_("Leave empty for today."))


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *AgreementAction.Status.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
