from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from documents.models import Document

        # The reverse one-to-ones would cost auditlog two always-empty reads per issued document.
        auditlog.register(Document, exclude_fields=["pdf", "evidence", "superseded_by"])
