from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from documents.models import Document

        auditlog.register(Document, exclude_fields=["pdf"])
