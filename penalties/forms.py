"""Forms of the penalty track's task pages; the services hold the rules, these only parse input."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework import penalty_rules as rules
from organisation.models import User
from penalties.models import Penalty, ServiceMethod
from penalties.terms import ARTICLES, Terms

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})
ARTICLE_TOPICS = {
    "38": _("improper use of the fund"),
    "39": _("management failures"),
    "40": _("fraud (fake patients, fake records, swapped items)"),
    "41": _("an insured person's fraud"),
}


def article_choices():
    choices = [("", "---------")]
    for article in ARTICLES:
        rule = rules.FINE_RULES.get(article) or rules.SUSPENSION_RULES.get(article)
        choices.append((article, f"{rule.citation} — {ARTICLE_TOPICS.get(article, '')}"))
    return choices


def money_field(label, **kwargs):
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal("0.01"), max_digits=14, decimal_places=2, **kwargs
    )


def ranges_help(fund_loss: Decimal) -> str:
    """What each article allows for this subject's fund loss, shown under the fine field."""
    parts = []
    for article, rule in rules.FINE_RULES.items():
        if rule.of_fund_loss and fund_loss <= 0:
            continue
        low, high = rules.fine_range(article, fund_loss=fund_loss if rule.of_fund_loss else None)
        parts.append(f"{rule.citation} ¥{low:,}–{high:,}")
    return "；".join(parts)


class TermsFields(forms.Form):
    """The penalties themselves: shared by the notice, the revision and the decision."""

    warning = forms.BooleanField(label=_("Warning"), required=False)
    refund = money_field(_("Refund to the fund (yuan)"))
    fine = money_field(_("Fine (yuan)"))
    confiscation = money_field(_("Confiscation of illegal gains (yuan)"))
    suspension_months = forms.IntegerField(label=_("Suspension (months)"), required=False, min_value=1, max_value=12)
    suspension_detail = forms.CharField(
        label=_("Departments concerned"),
        required=False,
        max_length=200,
        help_text=_("For a suspension of the responsible departments (Regulation Art. 38)."),
    )
    terminates = forms.BooleanField(label=_("Terminate the service agreement"), required=False)

    def terms(self, article: str) -> Terms:
        data = self.cleaned_data
        return Terms(
            article=article,
            warning=data["warning"],
            refund=data["refund"],
            fine=data["fine"],
            confiscation=data["confiscation"],
            suspension_months=data["suspension_months"],
            suspension_detail=data["suspension_detail"],
            terminates=data["terminates"],
        )

    @classmethod
    def initial_of(cls, penalty: Penalty) -> dict:
        return {name: getattr(penalty, name) for name in cls.base_fields}


class NoticeForm(TermsFields):
    article = forms.ChoiceField(label=_("Article applied"), choices=article_choices)
    facts = forms.CharField(label=_("Facts found"), max_length=20000, widget=TEXT)
    grounds = forms.CharField(
        label=_("Grounds"),
        max_length=20000,
        widget=TEXT,
        help_text=_("Why the facts break the rule, and the circumstances weighed for the amount."),
    )
    complex_case = forms.BooleanField(
        label=_("Complex or serious case"),
        required=False,
        help_text=_("Sends the case to legal review and collective discussion whatever the amounts."),
    )
    served_on = forms.DateField(label=_("Notice served on"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("Served by"), choices=ServiceMethod.choices, initial=ServiceMethod.DIRECT)

    field_order = ["article", "facts", "grounds"]

    def __init__(self, *args, fund_loss: Decimal = Decimal(0), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fine"].help_text = ranges_help(fund_loss)
        self.fields["refund"].help_text = _("At most the fund loss found: ¥%(loss)s.") % {"loss": f"{fund_loss:,.2f}"}


class StatementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the subject did"), choices=Penalty.StatementKind.choices, widget=forms.RadioSelect
    )
    statement = forms.CharField(label=_("Statement and defence"), required=False, max_length=20000, widget=TEXT)
    received_on = forms.DateField(
        label=_("Received on"),
        required=False,
        widget=DATE,
        help_text=_("The date the statement, the waiver or the hearing request reached the bureau."),
    )
    hearing_requested = forms.BooleanField(label=_("The subject asked for a hearing"), required=False)


class ChairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class HearingScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Hearing at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    chair = ChairChoiceField(
        label=_("Chair"),
        queryset=User.objects.none(),
        help_text=_("An officer who did not investigate the case (Administrative Penalty Law, Art. 64)."),
    )
    public = forms.BooleanField(label=_("Held in public"), required=False, initial=True)
    notice_sent_on = forms.DateField(
        label=_("Hearing notice sent on"), widget=DATE, initial=timezone.localdate, required=False
    )

    def __init__(self, *args, chairs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs if chairs is not None else User.objects.none()


class HearingHoldForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE, initial=timezone.localdate)
    participants = forms.CharField(label=_("Participants"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    investigators_case = forms.CharField(
        label=_("Facts, evidence and proposed penalty put by the investigators"), max_length=20000, widget=TEXT
    )
    subject_statement = forms.CharField(label=_("The subject's statement and defence"), max_length=20000, widget=TEXT)


class LegalReviewForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Conclusion"),
        choices=[("yes", _("Passed")), ("no", _("Not passed: return for revision"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("Opinion"),
        max_length=20000,
        widget=TEXT,
        help_text=_("Competence, facts and evidence, procedure, legal basis and the amount chosen."),
    )


class RevisionForm(TermsFields):
    note = forms.CharField(
        label=_("What was changed and why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DiscussionForm(forms.Form):
    discussed_on = forms.DateField(label=_("Discussed on"), widget=DATE, initial=timezone.localdate)
    participants = forms.CharField(label=_("Participants"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    opinions = forms.CharField(label=_("Opinions"), max_length=20000, widget=TEXT)
    conclusion = forms.CharField(label=_("Conclusion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(TermsFields):
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, initial=timezone.localdate)


class ServiceForm(forms.Form):
    method = forms.ChoiceField(label=_("Served by"), choices=ServiceMethod.choices)
    served_on = forms.DateField(label=_("Served on"), widget=DATE, initial=timezone.localdate)
    recipient = forms.CharField(label=_("Received by"), max_length=100)


class SummaryDecisionForm(forms.Form):
    article = forms.ChoiceField(label=_("Article applied"), choices=article_choices)
    facts = forms.CharField(label=_("Facts found"), max_length=20000, widget=TEXT)
    place = forms.CharField(label=_("Place"), max_length=200)
    warning = forms.BooleanField(label=_("Warning"), required=False)
    fine = money_field(_("Fine (yuan)"))
    statement = forms.CharField(
        label=_("The subject's statement on the spot"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, initial=timezone.localdate)

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(article=data["article"], warning=data["warning"], fine=data["fine"])


class PaymentForm(forms.Form):
    ledger = forms.ChoiceField(label=_("Ledger"), choices=())
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)
    voucher = forms.CharField(label=_("Voucher"), max_length=60)
    channel = forms.CharField(label=_("Paid by"), max_length=60, required=False)

    def __init__(self, *args, ledgers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ledger"].choices = list(ledgers)


class ReminderForm(forms.Form):
    reminded_on = forms.DateField(label=_("Reminder served on"), widget=DATE, initial=timezone.localdate)


class EnforcementForm(forms.Form):
    court = forms.CharField(label=_("Court"), max_length=100)
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE, initial=timezone.localdate)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
