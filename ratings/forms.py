"""Forms of the rating pages; ratings.services validates the rules, the forms only the shapes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ratings.models import Indicator
from ratings.rules import GRADES
from ratings.services import FIRST_YEAR

FLAG_CHOICES = [
    ("", _("Any")),
    ("poor", _("Poor grade")),
    ("termination", _("Agreement to be terminated")),
    ("lapsed", _("Repair period lapsed")),
]


def year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, max(FIRST_YEAR, this_year - 5) - 1, -1)]


class RatingFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Evaluation year"), coerce=int, required=False, choices=year_choices)
    grade = forms.ChoiceField(
        label=_("Grade"),
        required=False,
        choices=[("", _("Any")), *[(grade, grade) for grade in GRADES], ("none", _("Not evaluated"))],
    )
    flag = forms.ChoiceField(label=_("Flag"), required=False, choices=FLAG_CHOICES)
    q = forms.CharField(label=_("Name or code"), required=False, max_length=60)


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def indicator_choices():
    """Active indicators grouped by category, each with its maximum and repair period."""
    groups: dict[str, list] = {value: [] for value, _label in Indicator.Category.choices}
    for indicator in Indicator.objects.filter(active=True).order_by("code"):
        if indicator.repairable:
            note = _("max %(points)d, repairable within %(months)d months") % {
                "points": indicator.max_deduction,
                "months": indicator.repair_months,
            }
        else:
            note = _("max %(points)d, not repairable") % {"points": indicator.max_deduction}
        groups[indicator.category].append((indicator.pk, f"{indicator.code} {indicator.name}（{note}）"))
    labels = dict(Indicator.Category.choices)
    return [("", "—"), *[(labels[category], rows) for category, rows in groups.items() if rows]]


class DeductionForm(forms.Form):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int, choices=indicator_choices)
    points = forms.IntegerField(label=_("Points deducted"), min_value=1, max_value=1000)
    occurred_on = _date(_("Date"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    case = forms.ModelChoiceField(label=_("Case (optional)"), required=False, queryset=None)

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        if not self.is_bound:
            self.fields["occurred_on"].initial = timezone.localdate()

    def clean_indicator(self):
        indicator = Indicator.objects.filter(pk=self.cleaned_data["indicator"]).first()
        if indicator is None:
            raise forms.ValidationError(_("Choose an indicator."))
        return indicator


class RepairForm(forms.Form):
    repaired_on = _date(_("Repaired on"))
    reason = forms.CharField(
        label=_("Rectification and evidence"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["repaired_on"].initial = timezone.localdate()
