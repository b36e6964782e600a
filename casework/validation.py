"""Checks of free text shared by the services: a required field, stripped and bounded."""

from django.utils.translation import gettext as _

from casework.errors import InvalidInput

MAX_TEXT = 5000


def check_text(value, field: str, message: str, errors: dict, *, max_length: int = MAX_TEXT) -> str:
    """The stripped text; an error under field in errors (message when empty, the bound when too long)."""
    value = (value or "").strip()
    if not value:
        errors[field] = [message]
    elif len(value) > max_length:
        errors[field] = [_("At most %(count)d characters.") % {"count": max_length}]
    return value


def required_text(value, field: str, message: str, *, max_length: int = MAX_TEXT) -> str:
    """One required text field, or InvalidInput naming it."""
    errors: dict = {}
    value = check_text(value, field, message, errors, max_length=max_length)
    if errors:
        raise InvalidInput(errors=errors)
    return value
