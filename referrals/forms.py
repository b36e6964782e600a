"""One small form per step of the referral; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.errors import InvalidInput
from casework.money import parse_yuan
from referrals.models import ReferralOutcome

TEXT = {"widget": forms.Textarea(attrs={"rows": 3}), "max_length": 5000}


class ReportForm(forms.Form):
    grounds = forms.ModelMultipleChoiceField(
        label=_("Grounds (移送情形)"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    facts = forms.CharField(label=_("Facts of the suspected offence"), **TEXT)
    evidence = forms.ModelMultipleChoiceField(
        label=_("Evidence to transfer"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, grounds, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].queryset = grounds
        self.fields["evidence"].queryset = evidence
        self.fields["evidence"].label_from_instance = lambda item: f"{item.get_kind_display()} · {item.title}"


class ApproveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Transfer the case")), ("decline", _("Do not transfer"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Opinion"), required=False, **TEXT)


class NoFieldsForm(forms.Form):
    """Send the package, sign the receipt: the button is the whole form."""


class AcceptForm(forms.Form):
    reference = forms.CharField(label=_("Your case number"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, **TEXT)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reasons for refusing"), **TEXT)


class ForwardForm(forms.Form):
    agency = forms.ChoiceField(label=_("Competent agency"))
    reason = forms.CharField(label=_("Reason"), **TEXT)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—")] + [(a.code, a.name) for a in targets]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), **TEXT)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), **TEXT)


class ReconsiderAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("accept", _("File the case after all")), ("uphold", _("Keep the refusal"))],
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(label=_("Your case number"), max_length=100, required=False)
    answer = forms.CharField(label=_("Reasons"), **TEXT)


class SuperviseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("file", _("Notify the police to file the case")), ("justified", _("The refusal is justified"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Reasons"), **TEXT)


class ReturnToPenaltyForm(forms.Form):
    subjects = forms.ModelMultipleChoiceField(
        label=_("Subjects to penalise"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, **TEXT)

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = subjects


class HandoverForm(forms.Form):
    on = forms.DateField(label=_("Handed over on"), widget=forms.DateInput(attrs={"type": "date"}))


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.Kind.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("Summary"), **TEXT)
    sentence = forms.CharField(label=_("Sentence (judgments)"), required=False, max_length=2000)
    restitution_ordered = forms.CharField(label=_("Restitution ordered (yuan, judgments)"), required=False)

    def clean_restitution_ordered(self):
        value = self.cleaned_data["restitution_ordered"].strip()
        if not value:
            return None
        try:
            return parse_yuan(value, field="restitution_ordered")
        except InvalidInput as error:
            raise forms.ValidationError(error.errors["restitution_ordered"]) from error


class CounterReferralForm(forms.Form):
    bureau = forms.ChoiceField(label=_("To the medical security bureau"))
    subject_kind = forms.ChoiceField(label=_("Kind of subject"))
    subject_name = forms.CharField(label=_("Subject name"), max_length=120)
    subject_code = forms.CharField(label=_("Subject code (if known)"), max_length=40, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Facts and what the bureau should handle"), **TEXT)
    reference = forms.CharField(label=_("Your reference"), max_length=100, required=False)
    referral = forms.ModelChoiceField(label=_("Related referral"), queryset=None, required=False)

    def __init__(self, *args, bureaus, referrals, **kwargs):
        from casework.models import Subject

        super().__init__(*args, **kwargs)
        self.fields["bureau"].choices = [(b.code, b.name) for b in bureaus]
        self.fields["subject_kind"].choices = Subject.Kind.choices
        self.fields["referral"].queryset = referrals
        self.fields["referral"].label_from_instance = lambda r: f"{r.number} · {r.agency.name}"
