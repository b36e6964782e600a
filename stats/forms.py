"""The statistics page's filter: a region within the caller's reach (by code) and a period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organisation.models import Region


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TablesForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    date_from = forms.DateField(label=_("Period from"), widget=DateInput())
    date_to = forms.DateField(label=_("Period to"), widget=DateInput())

    def __init__(self, *args, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(region.code, f"{region.name}（{region.code}）") for region in regions]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The period ends before it starts."))
        return data


class IssueForm(TablesForm):
    table = forms.ChoiceField(choices=[("results", "results"), ("violations", "violations")])
