"""Small helpers shared by the web views."""

from django.contrib import messages
from django.core.paginator import Paginator

from casework.errors import DomainError


def add_domain_errors(form, error: DomainError) -> None:
    """Show a service's field errors on the form, and its message above it."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, str(message))
    if not error.errors:
        form.add_error(None, str(error.message))


def paginate(request, queryset, per_page: int = 50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def flash_domain_error(request, error: DomainError) -> None:
    messages.error(request, str(error.message))
