"""Forms of the investigation: assignment, findings (violations), the findings and closing steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.forms_evidence import OfficersChoiceField
from casework.models import Subject, ViolationItem
from organisation.models import User


class AssignForm(forms.Form):
    investigators = OfficersChoiceField(
        label=_("Investigators"),
        queryset=User.objects.none(),
        help_text=_("At least two officers (Administrative Penalty Law, Art. 42); hold Ctrl to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigators"].queryset = officers if officers is not None else User.objects.none()


class SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, subject):
        return f"{subject.name}（{subject.get_kind_display()}）"


class ViolationForm(forms.Form):
    subject = SubjectChoiceField(label=_("Subject"), queryset=Subject.objects.none())
    item = forms.ModelChoiceField(label=_("Violation"), queryset=ViolationItem.objects.filter(active=True))
    period_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount involved (yuan)"), min_value=0, max_digits=14)
    fund_loss = forms.DecimalField(label=_("Fund loss (yuan)"), min_value=0, max_digits=14)
    patient_money = forms.DecimalField(
        label=_("Patients' money (yuan)"), min_value=0, max_digits=14, required=False, initial=0
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, subjects=None, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects if subjects is not None else Subject.objects.none()
        if items is not None:
            self.fields["item"].choices = grouped_item_choices(items)


def grouped_item_choices(items) -> list:
    """Taxonomy items grouped by the kind of subject they apply to (one <optgroup> per kind)."""
    groups: dict[str, list] = {}
    labels = dict(ViolationItem.SubjectKind.choices)
    for item in items:
        groups.setdefault(item.subject_kind, []).append((item.pk, f"{item.number}. {item.name}"))
    return [("", "---------")] + [(labels[kind], choices) for kind, choices in groups.items()]


class FindingsDoneForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the facts found"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CloseForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion and proposed handling"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
