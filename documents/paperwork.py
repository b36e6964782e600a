"""Frozen contexts (strings only) of documents issued from casework steps that own no paperwork module.

Documents are in Chinese whatever the reader's language, so their wording is written here.
"""

from casework import rules
from documents.formatting import chinese_date

# 行政处罚法 (2021) Art.56: 先行登记保存, decided on within 7 days.
PRESERVATION_BASIS = "《中华人民共和国行政处罚法》第五十六条"
PERSON_KINDS = ("insured", "practitioner")
CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_count(number: int) -> str:
    """Small counts as documents write them: 7 → 七, 15 → 十五, 60 → 六十."""
    if 0 <= number <= 10:
        return CHINESE_NUMERALS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        head = "" if tens == 1 else CHINESE_NUMERALS[tens]
        return f"{head}十{CHINESE_NUMERALS[units] if units else ''}"
    return str(number)


def preservation_notice_context(preservation, *, subjects, by) -> dict:
    """先行登记保存通知书 to the case's parties: the items, where they are kept, the 7-day decision."""
    case = preservation.case
    lines = [line.strip() for line in preservation.items.splitlines() if line.strip()]
    return {
        # Not a model link (Preservation has no document field): lets the notice be found from the record.
        "preservation_id": preservation.pk,
        "case_number": case.number,
        "case_title": case.title,
        "addressee": "、".join(s.name for s in subjects),
        "subjects": [{"name": s.name, "code": s.code, "address": s.address} for s in subjects],
        "is_person": bool(subjects) and all(s.kind in PERSON_KINDS for s in subjects),
        "items": lines,
        "place": preservation.place,
        "registered_on": chinese_date(preservation.registered_on),
        "decision_days": chinese_count(rules.PRESERVATION_DECISION_DAYS),
        "decision_due": chinese_date(preservation.decision_due),
        "basis": PRESERVATION_BASIS,
        # 行政复议法 (2023) Art.24: the government at the bureau's level hears the review.
        "government": f"{case.agency.region.name}人民政府",
        "officer": by.display_name,
        "contact": by.display_name,
    }
