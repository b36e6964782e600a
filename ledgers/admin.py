from django.contrib import admin

from ledgers.models import Obligation, Payment


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    readonly_fields = ["paid_on", "amount", "voucher", "channel", "recorded_at", "recorded_by"]
    can_delete = False


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    """Read-only: amounts and payments are recorded through the case pages, with their checks."""

    list_display = ["case", "subject", "ledger", "amount_due", "due_on", "basis"]
    list_filter = ["ledger"]
    search_fields = ["case__number", "subject__name", "basis"]
    inlines = [PaymentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
