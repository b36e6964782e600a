from django.contrib import admin

from documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: an issued document never changes; corrections are issued as new documents."""

    list_display = ["number", "title", "agency", "issued_at", "sha256"]
    list_filter = ["kind", "agency"]
    search_fields = ["number", "sha256"]
    exclude = ["pdf", "context"]
    list_select_related = ["agency"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
