from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Subject
from inspections.models import Plan, ReviewImport
from intake.screening_import import MAX_FILE_BYTES
from organisation.models import Region, User

# Conflicts concern the subjects a plan checks: the drawn institutions and pharmacies, the imported persons.
CONFLICT_KINDS = (Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY, Subject.Kind.INSURED)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices)
    period_from = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    subject_kinds = forms.MultipleChoiceField(
        label=_("Subjects"),
        choices=[(k, Subject.Kind(k).label) for k in ("institution", "pharmacy")],
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(label=_("Regions"), queryset=Region.objects.none())
    sample_percent = forms.DecimalField(
        label=_("Sample percent"), max_digits=5, decimal_places=2, help_text=_("e.g. 5 to 10 per cent")
    )
    sample_minimum = forms.IntegerField(label=_("Minimum count"), min_value=0, initial=10)

    def __init__(self, *args, region_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = Region.objects.filter(pk__in=region_ids).order_by("code")


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for a random seed; it is recorded with the draw."),
    )


class VisitForm(forms.Form):
    person = forms.CharField(label=_("Person in charge on site"), max_length=100)
    findings = forms.CharField(label=_("Findings of the check"), widget=forms.Textarea(attrs={"rows": 3}))
    found = forms.BooleanField(label=_("Irregularities found (registers a lead for triage)"), required=False)
    violations = forms.TypedMultipleChoiceField(
        label=_("Irregularities found (violation taxonomy)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required when irregularities are found."),
    )
    open_case = forms.BooleanField(
        label=_("Open a case on the spot (立案) instead of leaving the lead for triage"), required=False
    )

    def __init__(self, *args, items=(), may_open_case=False, **kwargs):
        """items: (id, label) of the active taxonomy items of the target subject's kind, read once per page."""
        super().__init__(*args, **kwargs)
        self.fields["violations"].choices = list(items)
        if not may_open_case:
            del self.fields["open_case"]

    def clean(self):
        data = super().clean()
        if data.get("found") and not data.get("violations"):
            self.add_error("violations", _("Choose the irregularities found from the taxonomy."))
        return data


class ReviewImportForm(forms.Form):
    rule = forms.ChoiceField(label=_("Review rule"), choices=ReviewImport.Rule.choices)
    source = forms.ChoiceField(
        label=_("Settlements from"), choices=ReviewImport.Source.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Settlement export"),
        required=False,
        help_text=_(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most 20 MB, header in the first row: 结算单号, 就诊类型 "
            "(住院 or 门诊), 参保人编码, 参保人姓名, 机构编码, 机构名称, 结算日期 (YYYY-MM-DD), 金额. "
            "Any bad row refuses the whole file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        self.content = b""
        if not upload:
            return upload
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        self.content = upload.read()
        return upload

    def clean(self):
        data = super().clean()
        if data.get("source") == ReviewImport.Source.FILE and not data.get("file") and "file" not in self.errors:
            self.add_error("file", _("Upload the settlement export."))
        return data


def _subject_by_code(code: str, region_ids) -> Subject:
    subjects = list(Subject.objects.filter(code=code.strip(), kind__in=CONFLICT_KINDS, region_id__in=region_ids)[:2])
    if len(subjects) != 1:
        raise forms.ValidationError(_("No institution, pharmacy or insured person of your region has this code."))
    return subjects[0]


class ConflictForm(forms.Form):
    """A planner declares a conflict of one of the bureau's inspectors (回避)."""

    inspector = forms.ModelChoiceField(label=_("Inspector"), queryset=User.objects.none())
    subject = forms.ModelChoiceField(label=_("Subject of the plan"), queryset=Subject.objects.none(), required=False)
    subject_code = forms.CharField(
        label=_("or the subject's code"), max_length=40, required=False, help_text=_("Any subject of your region.")
    )
    reason = forms.CharField(label=_("Reason for the conflict"), max_length=200)
    scope = forms.ChoiceField(
        label=_("Conflict applies to"),
        choices=[("plan", _("This plan")), ("all", _("Every plan"))],
        initial="plan",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, pool=(), population=(), region_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.region_ids = region_ids
        self.fields["inspector"].queryset = User.objects.filter(pk__in=pool).order_by("username")
        self.fields["inspector"].label_from_instance = lambda user: user.display_name
        self.fields["subject"].queryset = Subject.objects.filter(pk__in=population).order_by("code")

    def clean(self):
        data = super().clean()
        code = (data.get("subject_code") or "").strip()
        if data.get("subject") is None and not code:
            self.add_error("subject", _("Choose a subject of the plan or give a code."))
        elif data.get("subject") is None:
            try:
                data["subject"] = _subject_by_code(code, self.region_ids)
            except forms.ValidationError as error:
                self.add_error("subject_code", error)
        return data


class OwnConflictForm(forms.Form):
    """An investigator declares his own conflict of interest."""

    subject_code = forms.CharField(label=_("Code of the subject"), max_length=40)
    reason = forms.CharField(label=_("Reason for the conflict"), max_length=200)
    plan = forms.ModelChoiceField(
        label=_("Conflict applies to"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("Every plan"),
        help_text=_("Or one plan not yet drawn."),
    )

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_ids = agency.region.descendant_ids() if agency is not None else set()
        self.fields["plan"].queryset = Plan.objects.filter(agency=agency, status=Plan.Status.DRAFT).order_by("-pk")

    def clean_subject_code(self):
        return _subject_by_code(self.cleaned_data["subject_code"], self.region_ids)
