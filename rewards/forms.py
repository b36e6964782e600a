"""One small form per step of the reward; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rewards.models import Reward
from rewards.services import CRITERIA, EXCLUSIONS

TEXT = {"widget": forms.Textarea(attrs={"rows": 3}), "max_length": 5000}
DECISIONS = [
    ("approve", _("Approve the amount")),
    ("revise", _("Send back to the amount proposal")),
    ("refuse", _("Refuse the reward")),
]
NO_EXCLUSION = ""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReviewForm(forms.Form):
    checks = forms.MultipleChoiceField(
        label=_("Criteria met"),
        choices=list(CRITERIA.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exclusion = forms.ChoiceField(
        label=_("Excluded reporter"),
        choices=[(NO_EXCLUSION, _("None"))] + list(EXCLUSIONS.items()),
        required=False,
    )
    reason = forms.CharField(
        label=_("Why not eligible (told to the reporter)"),
        required=False,
        help_text=_("Required when a criterion is not met or the reporter is excluded."),
        **TEXT,
    )


class ProposeForm(forms.Form):
    verified_amount = forms.CharField(
        label=_("Verified amount (案值, yuan)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    stopped = forms.BooleanField(
        label=_("No amount determinable; the report stopped the violation (fixed sum)"), required=False
    )
    amount = forms.CharField(
        label=_("Proposed reward (yuan)"),
        required=False,
        max_length=30,
        help_text=_("Leave empty for the amount the rule gives."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("Reasons for another amount"),
        required=False,
        **TEXT,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision on the reward"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Opinion"),
        required=False,
        help_text=_("Required to send back or refuse."),
        **TEXT,
    )


class CollectiveForm(DecisionForm):
    note = forms.CharField(label=_("Collective decision and who took part"), **TEXT)


class NotifyForm(forms.Form):
    channel = forms.ChoiceField(label=_("The reporter was told by"))

    def __init__(self, *args, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            # The status page tells an anonymous reporter; there is no address to choose.
            del self.fields["channel"]
        else:
            self.fields["channel"].choices = [("", "—")] + [
                (value, label)
                for value, label in Reward.NoticeChannel.choices
                if value != Reward.NoticeChannel.STATUS_PAGE
            ]


class ClaimForm(forms.Form):
    identity_check = forms.CharField(label=_("How the claimant's identity was checked"), **TEXT)
    claimant_name = forms.CharField(label=_("Claimant's name"), max_length=50)
    claimant_phone = forms.CharField(label=_("Claimant's phone"), max_length=30)
    claimant_id_number = forms.CharField(label=_("Claimant's ID number"), max_length=18)
    payee = forms.CharField(label=_("Payee"), max_length=100)
    bank = forms.CharField(label=_("Bank"), max_length=200)
    account = forms.CharField(label=_("Account number"), max_length=60)

    CLAIMANT_FIELDS = ("claimant_name", "claimant_phone", "claimant_id_number")

    def __init__(self, *args, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymous:
            # A named reporter's identity is on the report already.
            for name in self.CLAIMANT_FIELDS:
                del self.fields[name]
        for name in ("payee", "bank", "account", *self.CLAIMANT_FIELDS):
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = "off"


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid out on"), widget=DateInput())
    voucher_no = forms.CharField(label=_("Voucher number"), max_length=60)


class NoFieldsForm(forms.Form):
    """The button is the whole form."""


class StatisticsForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=None, empty_label=_("All my regions"))
    date_from = forms.DateField(label=_("Period from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Period to"), required=False, widget=DateInput())

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda region: f"{region.name}（{region.code}）"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
