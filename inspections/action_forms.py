"""Forms of the special-action pages; the rules are checked again by inspections.actions."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspections.models import ActionPhase, LeadingGroupMember, Plan
from organisation.models import Agency, Region

DATE = forms.DateInput(attrs={"type": "date"})


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title of the special action"), max_length=200)
    period_from = forms.DateField(label=_("Starts on"), widget=DATE)
    period_to = forms.DateField(label=_("To (inclusive)"), widget=DATE)
    regions = forms.ModelMultipleChoiceField(label=_("Regions"), queryset=Region.objects.none())
    member_agencies = forms.ModelMultipleChoiceField(
        label=_("Member agencies"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Agencies of the action's regions or above: health commission, police, market regulation..."),
    )
    goals = forms.CharField(label=_("Goals and focus"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    office = forms.CharField(
        label=_("Leading group office"),
        max_length=200,
        required=False,
        help_text=_("Where the leading group's office sits, e.g. the bureau's fund supervision section."),
    )

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        region_ids = agency.region.descendant_ids()
        self.fields["regions"].queryset = Region.objects.filter(pk__in=region_ids).order_by("code")
        # The scope is not chosen yet: offer the agencies of the bureau's region, above and below it.
        reach = region_ids | {region.pk for region in agency.region.ancestors_and_self()}
        self.fields["member_agencies"].queryset = (
            Agency.objects.filter(region_id__in=reach).exclude(Q(pk=agency.pk)).order_by("region__code", "code")
        )


class PhaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Phase"), choices=ActionPhase.Kind.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    tasks = forms.CharField(label=_("Tasks of the phase"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class GroupMemberForm(forms.Form):
    position = forms.ChoiceField(label=_("Position in the leading group"), choices=LeadingGroupMember.Position.choices)
    name = forms.CharField(label=_("Full name"), max_length=50)
    post = forms.CharField(
        label=_("Post held"), max_length=120, help_text=_("e.g. deputy head of the health commission")
    )
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [action.agency_id, *(a.pk for a in action.member_agencies.all())]
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=ids).order_by("code")


class PlanAttachForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Inspection plan"), queryset=Plan.objects.none())

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class ReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Written summary of the action"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "How the action was organised, what was found, how it was dealt with, and suggestions; "
            "the 附件2/附件3 tables of the period are added to the report."
        ),
    )
