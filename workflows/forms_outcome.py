"""Forms of the outcome flow: the decision on tracks, the referral's conclusion, the 结案."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Subject
from organisation.models import Agency
from workflows.outcome import MAX_CREDIT_POINTS, CreditAward, OutcomeChoice

AGREEMENT_KINDS = (Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY)


class SubjectsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, subject):
        return f"{subject.name}（{subject.get_kind_display()}）"


class OutcomeDecisionForm(forms.Form):
    penalty_subjects = SubjectsField(
        label=_("Administrative penalty (行政处罚) for"),
        queryset=Subject.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agreement_subjects = SubjectsField(
        label=_("Agreement sanctions (协议处理) by the handling agency for"),
        queryset=Subject.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only designated institutions and pharmacies are bound by a service agreement."),
    )
    referral_agencies = forms.ModelMultipleChoiceField(
        label=_("Refer to"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One referral to each agency chosen; the police's copy goes to the procuratorate."),
    )
    referral_grounds = forms.CharField(
        label=_("Grounds for the referral"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reasoning = forms.CharField(
        label=_("Reasons for the decision"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when no track is chosen: the case is then closed."),
    )

    def __init__(self, *args, case, referral_agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(case.subjects.order_by("name"))
        self.fields["penalty_subjects"].queryset = case.subjects.order_by("name")
        self.fields["agreement_subjects"].queryset = case.subjects.filter(kind__in=AGREEMENT_KINDS).order_by("name")
        self.fields["referral_agencies"].queryset = referral_agencies
        for subject in self.subjects:
            self.fields[f"credit_{subject.pk}"] = forms.IntegerField(
                label=subject.name,  # under the "Credit points" legend
                required=False,
                min_value=0,
                max_value=MAX_CREDIT_POINTS,
            )
            self.fields[f"credit_reason_{subject.pk}"] = forms.CharField(
                label=_("Reason"), required=False, max_length=300
            )

    def credit_rows(self):
        """(points field, reason field) per subject, for the template."""
        return [(self[f"credit_{s.pk}"], self[f"credit_reason_{s.pk}"]) for s in self.subjects]

    def clean(self):
        data = super().clean()
        for subject in self.subjects:
            points = data.get(f"credit_{subject.pk}")
            if points and not (data.get(f"credit_reason_{subject.pk}") or "").strip():
                self.add_error(f"credit_reason_{subject.pk}", _("Give the reason for the credit points."))
        return data

    def choice(self) -> OutcomeChoice:
        data = self.cleaned_data
        return OutcomeChoice(
            penalty_subjects=list(data["penalty_subjects"]),
            agreement_subjects=list(data["agreement_subjects"]),
            referral_agencies=list(data["referral_agencies"]),
            referral_grounds=data["referral_grounds"],
            credit=[
                CreditAward(subject, data[f"credit_{subject.pk}"], data[f"credit_reason_{subject.pk}"])
                for subject in self.subjects
                if data.get(f"credit_{subject.pk}")
            ],
            reasoning=data["reasoning"],
        )


class CloseCaseForm(forms.Form):
    summary = forms.CharField(
        label=_("Closing summary"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How the case was handled and concluded; it goes into the numbered closing report (结案报告)."),
    )
