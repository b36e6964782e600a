from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Subject
from credit.access import CREDIT_KINDS
from credit.models import Measure


class CreditSearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))] + [(k, Subject.Kind(k).label) for k in CREDIT_KINDS],
    )
    q = forms.CharField(label=_("Code or name"), required=False, max_length=120)


class RemovalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for lifting the listing"), widget=forms.Textarea(attrs={"rows": 2}))


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=Measure.Kind.choices)
    starts_on = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Details"), required=False, max_length=300)
