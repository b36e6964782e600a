"""Admin: the indicator list and the regions' grade bands are configuration edited here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ratings.models import Deduction, Evaluation, GradeBand, Indicator, RatingScheme
from ratings.rules import GRADES
from ratings.services import evaluations_regrade


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "name", "max_deduction", "repairable", "repair_months", "active"]
    list_filter = ["category", "repairable", "active"]
    search_fields = ["code", "name"]


class GradeBandFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        bands = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("grade")
        ]
        grades = sorted(band["grade"] for band in bands)
        if grades != list(GRADES):
            raise ValidationError(_("Give exactly one band for each grade A to E."))
        floors = [band["min_score"] for band in sorted(bands, key=lambda band: band["grade"])]
        if any(higher <= lower for higher, lower in zip(floors, floors[1:], strict=False)):
            raise ValidationError(_("Each grade needs a higher lowest score than the grade below it."))
        if floors[-1] != 0:
            raise ValidationError(_("The lowest grade must start at 0 points."))


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    formset = GradeBandFormSet
    extra = 0
    min_num = 5


@admin.register(RatingScheme)
class RatingSchemeAdmin(admin.ModelAdmin):
    list_display = ["region", "poor_years_for_termination"]
    inlines = [GradeBandInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Stored grades and flags follow the new bands.
        evaluations_regrade(region=form.instance.region)

    def delete_model(self, request, obj):
        region = obj.region
        super().delete_model(request, obj)
        evaluations_regrade(region=region)


class DeductionInline(admin.TabularInline):
    model = Deduction
    extra = 0
    can_delete = False
    fields = ["indicator", "points", "occurred_on", "reason", "repair_due", "repaired_on", "repair_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """Read-only: evaluations change through the rating pages (ratings.services)."""

    list_display = ["subject", "year", "score", "grade", "poor", "termination_due"]
    list_filter = ["year", "grade", "poor", "termination_due"]
    search_fields = ["subject__name", "subject__code"]
    list_select_related = ["subject"]
    inlines = [DeductionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
