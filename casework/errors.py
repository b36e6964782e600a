"""Domain errors raised by services; views and the API map them to status codes."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    message = _("Invalid request.")

    def __init__(self, message=None, *, errors: dict | None = None):
        self.message = message or self.message
        self.errors = errors or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status = 400
    message = _("Some fields are not valid.")


class InvalidTransition(DomainError):
    status = 409
    message = _("This record has changed; reload and try again.")


class AlreadyDecided(DomainError):
    status = 409
    message = _("This has already been decided by someone else; reload to see the decision.")
