from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Lead, Subject


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + Lead.Status.choices)
    source_kind = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All"))] + Lead.SourceKind.choices
    )
    q = forms.CharField(label=_("Subject code or title"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class CaseFilterForm(forms.Form):
    from casework.models import Case

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + Case.Status.choices)
    q = forms.CharField(label=_("Case number, subject code or title"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class LeadRegisterForm(forms.Form):
    source_kind = forms.ChoiceField(label=_("Source"), choices=Lead.SourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    subjects = forms.ModelMultipleChoiceField(
        label=_("Subjects"),
        queryset=Subject.objects.none(),
        help_text=_("Hold Ctrl to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )
    amount_estimate = forms.DecimalField(
        label=_("Estimated amount (yuan)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = subjects if subjects is not None else Subject.objects.none()


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("open", _("Open a case")),
            ("merge", _("Merge into an open case or another lead")),
            ("dismiss", _("Do not open a case")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Required when not opening a case; printed on the notice."),
    )
    case = forms.ModelChoiceField(label=_("Case to merge into"), required=False, queryset=None)
    target = forms.ModelChoiceField(label=_("Or lead to merge into"), required=False, queryset=None)

    def __init__(self, *args, merge_cases=None, merge_leads=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = merge_cases
        self.fields["case"].label_from_instance = lambda case: f"{case.number} {case.title}"
        self.fields["target"].queryset = merge_leads if merge_leads is not None else Lead.objects.none()
        self.fields["target"].label_from_instance = lambda lead: f"#{lead.pk} {lead.title}"


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
