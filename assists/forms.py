from django import forms
from django.utils.translation import gettext_lazy as _

from assists.services import assist_targets
from casework.models import Case


class SendForm(forms.Form):
    to_agency = forms.ModelChoiceField(label=_("Requested bureau"), queryset=None)
    case = forms.ModelChoiceField(label=_("Our case"), queryset=None, required=False)
    subject_name = forms.CharField(label=_("Subject name"), max_length=200)
    subject_code = forms.CharField(label=_("Subject code"), max_length=60, required=False)
    subject_kind = forms.CharField(label=_("Subject kind"), max_length=100, required=False)
    question = forms.CharField(label=_("What is to be checked"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence_wanted = forms.CharField(
        label=_("Evidence wanted"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    due_on = forms.DateField(label=_("Answer due by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = assist_targets(user.agency).order_by("region__code", "code")
        self.fields["case"].queryset = (
            Case.objects.filter(agency_id=user.agency_id).only("pk", "number", "title").order_by("-opened_at", "-pk")
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their type and size are checked by intake.attachments, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [] if data is None else [super().clean(data, initial)]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Findings of the check"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Files"), required=False)


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
