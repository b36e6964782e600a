from django.contrib import admin

from credit.models import Blacklisting, CreditRule, Measure, PractitionerSanction


@admin.register(CreditRule)
class CreditRuleAdmin(admin.ModelAdmin):
    list_display = ("region", "subject_kind", "basis")
    list_filter = ("subject_kind",)


@admin.register(Blacklisting)
class BlacklistingAdmin(admin.ModelAdmin):
    list_display = ("subject", "reason", "permanent", "listed_on", "removed_on")
    list_filter = ("reason", "permanent")
    raw_id_fields = ("subject", "case", "obligation", "referral_outcome", "removed_by", "created_by")
    search_fields = ("subject__code", "subject__name")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "starts_on", "ends_on")
    raw_id_fields = ("subject", "blacklisting", "recorded_by")


@admin.register(PractitionerSanction)
class PractitionerSanctionAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "year", "points", "starts_on", "ends_on", "reregistration_from")
    list_filter = ("kind",)
    raw_id_fields = ("subject", "case")
