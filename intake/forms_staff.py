from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Subject
from intake.crypto import IDENTITY_FIELDS
from intake.models import Report

STAFF_CHANNELS = [choice for choice in Report.Channel.choices if choice[0] != Report.Channel.WEB]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; checked by intake.attachments, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ReportRegisterForm(forms.Form):
    """A report received by hotline, letter, visit, e-mail, 上级交办 or 协查, entered by a clerk."""

    channel = forms.ChoiceField(label=_("Received by"), choices=STAFF_CHANNELS)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )
    origin = forms.CharField(
        label=_("Assigned or requested by"),
        required=False,
        max_length=200,
        help_text=_("For 上级交办 and 协查: the body and its reference number."),
    )
    subject = forms.ModelChoiceField(
        label=_("Subject from the registry"),
        required=False,
        queryset=Subject.objects.none(),
        help_text=_("Or give the kind and name below if it is not in the registry."),
    )
    subject_kind = forms.ChoiceField(
        label=_("Kind of subject"), required=False, choices=[("", "—")] + Subject.Kind.choices
    )
    subject_name = forms.CharField(label=_("Name of subject"), required=False, max_length=120)
    subject_code = forms.CharField(label=_("Code of subject"), required=False, max_length=40)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 7}), max_length=20000)
    occurred_from = forms.DateField(
        label=_("Happened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_to = forms.DateField(
        label=_("Happened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount_estimate = forms.DecimalField(
        label=_("Estimated amount (yuan)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    anonymous = forms.TypedChoiceField(
        label=_("Reporter"),
        choices=[("1", _("Anonymous")), ("0", _("Named (实名)"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Full name"), required=False, max_length=50)
    reporter_id_number = forms.CharField(label=_("ID number"), required=False, max_length=18)
    reporter_phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    reporter_email = forms.EmailField(label=_("E-mail"), required=False)
    reporter_address = forms.CharField(label=_("Address"), required=False, max_length=200)
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects if subjects is not None else Subject.objects.none()
        self.fields["subject"].label_from_instance = lambda s: f"{s.name}（{s.code}）"

    def clean(self):
        data = super().clean()
        if not data.get("subject") and not (data.get("subject_kind") and data.get("subject_name")):
            self.add_error("subject", _("Choose a subject, or give its kind and name."))
        return data

    def reporter(self) -> dict:
        data = self.cleaned_data
        return {field: data.get(f"reporter_{field}", "") for field in IDENTITY_FIELDS}


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(
        required=False,
        choices=[
            ("attention", _("Needs attention")),
            ("new", _("Awaiting decision")),
            ("messages", _("Unread messages")),
            ("notices", _("Notices owed")),
            ("all", _("All reports")),
        ],
    )
