import hashlib
import re

from django import forms
from django.utils.translation import gettext_lazy as _

# A paper copy's PDF, hashed on the server; an issued document is a few hundred kilobytes.
MAX_PDF_BYTES = 20 * 1024 * 1024
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class VerifyForm(forms.Form):
    """Check a document: its number, and either its SHA-256 or the PDF file to hash."""

    number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        help_text=_("As printed under the issuing agency's name, e.g. 连医保罚决〔2026〕12号."),
    )
    sha256 = forms.CharField(
        label=_("SHA-256"),
        required=False,
        max_length=64,
        help_text=_("64 hexadecimal characters, as shown with the document."),
    )
    pdf = forms.FileField(
        label=_("Or the PDF file"),
        required=False,
        help_text=_("The file is hashed and not kept."),
    )

    def clean_sha256(self) -> str:
        value = self.cleaned_data["sha256"].strip().lower()
        if value and not SHA256_RE.match(value):
            raise forms.ValidationError(_("A SHA-256 is 64 hexadecimal characters."))
        return value

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload is not None and upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("The file is too large to be an issued document."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("sha256") and cleaned.get("pdf") is None:
            self.add_error("sha256", _("Give the SHA-256 or choose the PDF file."))
        return cleaned

    def digest(self) -> str:
        """The SHA-256 to check: of the uploaded file when there is one, else the one typed in."""
        upload = self.cleaned_data.get("pdf")
        if upload is None:
            return self.cleaned_data["sha256"]
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        return digest.hexdigest()
