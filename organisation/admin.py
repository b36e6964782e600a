from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from organisation.models import Agency, Region, RoleGroup, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "number_prefix"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name"]


@admin.register(RoleGroup)
class RoleGroupAdmin(admin.ModelAdmin):
    list_display = ["agency", "role", "group"]
    list_filter = ["role", "agency"]
    readonly_fields = ["group"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "agency", "is_active", "is_staff"]
    list_filter = ["agency", "is_active", "is_staff"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Agency"), {"fields": ["agency"]}),)
    list_select_related = ["agency"]
