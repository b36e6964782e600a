from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Case, Subject
from disclosure.models import Disclosure
from inspections.models import Plan


class PublicFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Disclosure.Kind.choices])
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All")), *((region.code, region.name) for region in regions)]


class DisclosureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Disclosure.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    subject_name = forms.CharField(
        label=_("Subject name"),
        max_length=200,
        required=False,
        help_text=_("Names of insured persons and practitioners are shown to the public as surname + 某."),
    )
    subject_kind = forms.ChoiceField(
        label=_("Kind of subject"), required=False, choices=[("", "—"), *Subject.Kind.choices]
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_ref = forms.CharField(
        label=_("Source"), max_length=60, required=False, help_text=_('e.g. "inspection-plan:12"')
    )
    draw_record = forms.JSONField(
        label=_("Draw record"),
        required=False,
        help_text=_("JSON: seed, algorithm version, population size, targets."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FromCaseForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Closed case"), queryset=Case.objects.none())

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.filter(agency=agency, status=Case.Status.CLOSED).order_by(
            "-closed_at", "-id"
        )


class FromPlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Drawn inspection plan"), queryset=Plan.objects.none())

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(agency=agency).exclude(status=Plan.Status.DRAFT)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
