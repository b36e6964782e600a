from django.contrib import admin

from casework.models import CalendarDay, HolidayCalendar, Subject, ViolationItem


@admin.register(ViolationItem)
class ViolationItemAdmin(admin.ModelAdmin):
    list_display = ["subject_kind", "number", "name", "active"]
    list_filter = ["subject_kind", "active"]
    search_fields = ["name"]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(HolidayCalendar)
class HolidayCalendarAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]
    inlines = [CalendarDayInline]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["kind", "code", "name", "region", "status", "level", "ownership"]
    list_filter = ["kind", "status", "level", "ownership", "region"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]
    raw_id_fields = ["institution"]
