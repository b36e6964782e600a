"""Routes filled in by the intake work (see config/urls.py)."""

urlpatterns = []
api_urlpatterns = []
