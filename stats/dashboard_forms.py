"""The dashboard's filter: a region the user's agency covers, and a period (this year to date by default)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from organisation.models import Region

# Charts by month stay readable up to five years.
MAX_PERIOD_MONTHS = 60

LEVEL_DEPTH = {Region.Level.PROVINCE: 0, Region.Level.CITY: 1, Region.Level.COUNTY: 2}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardForm(forms.Form):
    """A region outside `regions` (the user's reach, parents before children) is an invalid choice: the page
    answers 400."""

    region = forms.TypedChoiceField(label=_("Region"), coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(label=_("Period from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Period to"), required=False, widget=DateInput())

    def __init__(self, *args, regions: list[Region], home: Region, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.home, self.today = home, today
        self.regions = {region.pk: region for region in regions}
        self.fields["region"].choices = [(region.pk, self._indented(region)) for region in regions]

    def _indented(self, region: Region) -> str:
        depth = max(LEVEL_DEPTH.get(region.level, 0) - LEVEL_DEPTH.get(self.home.level, 0), 0)
        return f"{'　' * depth}{region.name}（{region.code}）"

    def clean(self):
        data = super().clean()
        data["region"] = self.regions.get(data.get("region"), self.home)
        date_from = data.get("date_from") or self.today.replace(month=1, day=1)
        date_to = data.get("date_to") or max(self.today, date_from)
        if date_from > date_to:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif (date_to.year - date_from.year) * 12 + date_to.month - date_from.month >= MAX_PERIOD_MONTHS:
            self.add_error("date_to", _("Choose a period of at most five years."))
        data["date_from"], data["date_to"] = date_from, date_to
        return data
