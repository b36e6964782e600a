"""The registry of document kinds (文书, domain.md §13): title, number abbreviation, template."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    # The kind part of the number: 连医保<abbreviation>〔2026〕3号.
    abbreviation: str
    template: str


CASE_OPENING_FORM = DocumentKind("case_opening_form", "立案审批表", "立审", "documents/case_opening_form.html")
NON_OPENING_NOTICE = DocumentKind("non_opening_notice", "不予立案告知书", "不立告", "documents/non_opening_notice.html")

KINDS: dict[str, DocumentKind] = {kind.code: kind for kind in (CASE_OPENING_FORM, NON_OPENING_NOTICE)}
KIND_CHOICES = [(kind.code, kind.title) for kind in KINDS.values()]


def kind_by_code(code: str) -> DocumentKind:
    return KINDS[code]


def format_number(*, prefix: str, abbreviation: str, year: int, sequence: int) -> str:
    """连医保立〔2026〕3号: agency prefix, kind, year in 〔〕, sequence, 号."""
    return f"{prefix}{abbreviation}〔{year}〕{sequence}号"
