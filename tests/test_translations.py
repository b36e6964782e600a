"""The UI is Chinese: every catalog entry is translated and the committed .mo matches the .po."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries(po_text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, enough for our single-line-or-continued entries."""
    entries, current, field = [], {}, None
    for line in po_text.splitlines() + [""]:
        if line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            field, _, value = line.partition(" ")
            field = field.removesuffix("[0]")
            current[field] = value[1:-1]
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
        elif not line.strip() and current:
            entries.append((current.get("msgid", ""), current.get("msgstr", "")))
            current, field = {}, None
    return [(msgid, msgstr) for msgid, msgstr in entries if msgid]


def test_every_entry_is_translated_and_none_is_fuzzy():
    po_text = (CATALOG / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po_text
    untranslated = [msgid for msgid, msgstr in _entries(po_text) if not msgstr]
    assert untranslated == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is installed by the Makefile")
def test_committed_mo_is_compiled_from_the_current_po(tmp_path):
    subprocess.run(["msgfmt", "-o", str(tmp_path / "fresh.mo"), str(CATALOG / "django.po")], check=True)
    with open(tmp_path / "fresh.mo", "rb") as fresh, open(CATALOG / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog


def test_domain_messages_are_chinese():
    from casework.errors import AlreadyDecided

    with translation.override("zh-hans"):
        assert (
            str(AlreadyDecided.message) != "This has already been decided by someone else; reload to see the decision."
        )
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(AlreadyDecided.message))
