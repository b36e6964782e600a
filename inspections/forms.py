from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Subject
from inspections.models import Plan
from organisation.models import Region


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices)
    period_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    subject_kinds = forms.MultipleChoiceField(
        label=_("Subjects"),
        choices=[(k, Subject.Kind(k).label) for k in ("institution", "pharmacy")],
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(label=_("Regions"), queryset=Region.objects.none())
    sample_percent = forms.DecimalField(
        label=_("Sample percent"), max_digits=5, decimal_places=2, help_text=_("e.g. 5 to 10 per cent")
    )
    sample_minimum = forms.IntegerField(label=_("Minimum count"), min_value=0, initial=10)

    def __init__(self, *args, region_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = Region.objects.filter(pk__in=region_ids).order_by("code")


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for a random seed; it is recorded with the draw."),
    )


class VisitForm(forms.Form):
    person = forms.CharField(label=_("Person in charge on site"), max_length=100)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    found = forms.BooleanField(label=_("Irregularities found (registers a lead for triage)"), required=False)
