"""Forms of the investigation pages: evidence, records, hand-overs and 先行登记保存."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Evidence, Preservation
from organisation.models import User


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.display_name}（{user.username}）"


class OfficersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return f"{user.display_name}（{user.username}）"


def _officers_field():
    return OfficersChoiceField(
        label=_("Collected by"),
        queryset=User.objects.none(),
        help_text=_("At least two officers; hold Ctrl to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


def _moment_field(label):
    return forms.DateTimeField(label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *Evidence.Kind.choices])
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    collected_by = _officers_field()
    collected_at = _moment_field(_("Collected at"))
    place = forms.CharField(label=_("Place"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, image, Office document, audio or video; its SHA-256 is recorded."),
    )

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collected_by"].queryset = officers if officers is not None else User.objects.none()


class RecordForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of record"),
        choices=[(kind.value, kind.label) for kind in Evidence.RECORD_KINDS],
        widget=forms.RadioSelect,
    )
    collected_by = _officers_field()
    started_at = _moment_field(_("Started at"))
    ended_at = forms.DateTimeField(
        label=_("Ended at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    person = forms.CharField(
        label=_("Person questioned or present"),
        max_length=100,
        help_text=_("For an interview, the person questioned; for an inspection, the person in charge on site."),
    )
    person_details = forms.CharField(
        label=_("Their details"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("ID number, work unit and position, telephone."),
    )
    text = forms.CharField(label=_("Record"), widget=forms.Textarea(attrs={"rows": 14}), max_length=100000)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collected_by"].queryset = officers if officers is not None else User.objects.none()
        self.fields["collected_by"].label = _("Investigators")


class HandOverForm(forms.Form):
    to = OfficerChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    holder = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = officers if officers is not None else User.objects.none()


class PreservationForm(forms.Form):
    items = forms.CharField(
        label=_("Items preserved"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Name, quantity and where they are kept."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    registered_on = forms.DateField(
        label=_("Registered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PreservationDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision on the items"), choices=Preservation.Decision.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Note (required for “Other”)"), "aria-label": _("Note")}),
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": _("Decided on (empty for today)")}),
    )
