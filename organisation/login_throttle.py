"""Sign-in throttling for the login page and the API token: failures are counted per (account, client address)
in the cache (Redis in production, so every worker sees the same count).

An outsider who guesses wrong locks only their own address out of that account, and only for the window; the
account's owner elsewhere can still sign in. A success clears the count.
"""

import hashlib

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext as _

from intake.ratelimit import client_address

MAX_FAILURES = 10
FAILURE_WINDOW_SECONDS = 15 * 60


def failure_key(request, username) -> str:
    """The cache key of (client address, account); the account name is hashed, since a caller can send anything."""
    account = hashlib.sha256(str(username or "")[:150].lower().encode()).hexdigest()[:32]
    return f"login-failures:{client_address(request)}:{account}"


def locked_out(key: str) -> bool:
    return cache.get(key, 0) >= MAX_FAILURES


def failed(key: str) -> None:
    cache.add(key, 0, FAILURE_WINDOW_SECONDS)
    cache.incr(key)


def succeeded(key: str) -> None:
    cache.delete(key)


def lockout_message() -> str:
    return _("Too many failed sign-ins; try again in 15 minutes.")


class ThrottledLoginView(auth_views.LoginView):
    """The login page, refusing an account from an address after MAX_FAILURES wrong passwords (HTTP 429)."""

    def post(self, request, *args, **kwargs):
        key = failure_key(request, request.POST.get("username"))
        if locked_out(key):
            form = self.get_form()
            form.add_error(None, lockout_message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            succeeded(key)
        else:
            failed(key)
        return response
