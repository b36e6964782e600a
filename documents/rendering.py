"""HTML templates to PDF with weasyprint; the CJK faces are named explicitly (domain.md §13)."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(*, template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
