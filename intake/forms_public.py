"""Forms of the public report pages. They shape the page; intake.submission checks the content,
so the page and the API give the same messages.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Subject
from intake.forms_staff import MultipleFileField
from intake.submission import report_regions

NAMED_FIELDS = ("reporter_name", "reporter_id_number", "reporter_phone", "reporter_email")


def region_choices() -> list[tuple[str, str]]:
    choices = [("", _("— choose —"))]
    for region in report_regions().select_related("parent"):
        parent = region.parent
        label = (
            region.name if parent is None or parent.level == parent.Level.PROVINCE else f"{parent.name} {region.name}"
        )
        choices.append((region.code, label))
    return choices


class PublicReportForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Pooling region (统筹区)"),
        help_text=_("Where it happened; the bureau of this region handles the report."),
    )
    subject_kind = forms.ChoiceField(label=_("Who is reported"), choices=[("", _("— choose —")), *Subject.Kind.choices])
    subject_name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("The hospital, pharmacy or person concerned."),
    )
    subject_code = forms.CharField(
        label=_("Code (optional)"),
        required=False,
        max_length=40,
        help_text=_("If you know it: the institution's medical-insurance code or unified social credit code."),
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "When, where, who, and what was done: for example fake admissions, or charging for services not given."
        ),
    )
    occurred_from = forms.CharField(
        label=_("From (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_to = forms.CharField(
        label=_("To (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount_estimate = forms.CharField(
        label=_("Estimated amount in yuan (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "12345.60"}),
    )
    files = MultipleFileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("Photos, PDF, Office documents or recordings; up to 10 files of 20 MB each."),
    )
    anonymous = forms.TypedChoiceField(
        label=_("Report as"),
        choices=[("1", _("Anonymous")), ("0", _("Named (实名)"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=50)
    reporter_id_number = forms.CharField(
        label=_("Citizen ID number (optional)"), required=False, max_length=18, widget=forms.TextInput()
    )
    reporter_phone = forms.CharField(
        label=_("Phone"), required=False, max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    reporter_email = forms.CharField(
        label=_("E-mail (optional)"), required=False, max_length=254, widget=forms.EmailInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        for name in ("reporter_name", "reporter_id_number", "reporter_phone", "reporter_email"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def submission(self) -> dict:
        """Keyword arguments for intake.submission.report_submit."""
        data = self.cleaned_data
        return {
            "region_code": data["region"],
            "subject_kind": data["subject_kind"],
            "subject_name": data["subject_name"],
            "subject_code": data["subject_code"],
            "description": data["description"],
            "occurred_from": data["occurred_from"],
            "occurred_to": data["occurred_to"],
            "amount_estimate": data["amount_estimate"],
            "anonymous": data["anonymous"],
            "reporter": {
                "name": data["reporter_name"],
                "id_number": data["reporter_id_number"],
                "phone": data["reporter_phone"],
                "email": data["reporter_email"],
            },
            "files": data["files"],
        }

    def named_fields(self):
        return [self[name] for name in NAMED_FIELDS]


class LookupForm(forms.Form):
    receipt_code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "0000 0000 0000 0000"}
        ),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=60,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ReporterMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    files = MultipleFileField(label=_("Add attachments"), required=False)
