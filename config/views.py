from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def home(request):
    return redirect("task-list" if request.user.is_authenticated else "login")


def api_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error; the incident has been logged.")}, status=500)
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
