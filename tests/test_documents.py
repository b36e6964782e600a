"""Document numbering, PDF rendering with Chinese text, immutability, and the public verify endpoint."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from documents.kinds import CASE_OPENING_FORM, NON_OPENING_NOTICE
from documents.models import Document
from documents.services import document_issue, document_pdf_bytes, document_render
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db


def _fonts(reader: PdfReader) -> list[dict]:
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                fonts.append(descendant.get_object())
    return fonts


def test_non_opening_notice_pdf_has_chinese_text_layer_and_embedded_sc_font(lead, alice):
    triage_decide(lead=lead, by=alice, decision="dismiss", reason="经核查，反映问题与事实不符。")
    document = Document.objects.get(lead=lead, kind=NON_OPENING_NOTICE.code)
    pdf = document_pdf_bytes(document=document)
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "不予立案告知书" in text
    assert "连云港市医疗保障局" in text
    assert "经核查，反映问题与事实不符。" in text
    assert document.number in text
    fonts = _fonts(reader)
    assert fonts and all("/FontFile3" in f["/FontDescriptor"] or "/FontFile2" in f["/FontDescriptor"] for f in fonts)
    assert any("CJK-SC" in str(f["/BaseFont"]) for f in fonts)


def test_case_opening_form_shows_case_number_and_subjects(lead, alice):
    lead = triage_decide(lead=lead, by=alice, decision="open")
    document = Document.objects.get(case=lead.case, kind=CASE_OPENING_FORM.code)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document_pdf_bytes(document=document))).pages)
    text = text.replace("\n", "")
    assert "立案审批表" in text
    assert lead.case.number in text
    assert "连云港市第一人民医院" in text
    assert "王丽" in text  # the approving section head


def test_numbers_are_consecutive_per_agency_kind_and_year(lyg_bureau, cz_bureau, alice):
    numbers = []
    for agency in (lyg_bureau, lyg_bureau, cz_bureau, lyg_bureau):
        numbers.append(document_issue(kind=NON_OPENING_NOTICE, agency=agency, by=alice, context={}).number)
    other_kind = document_issue(kind=CASE_OPENING_FORM, agency=lyg_bureau, by=alice, context={}).number
    year = numbers[0][numbers[0].index("〔") + 1 : numbers[0].index("〕")]
    assert numbers == [
        f"连医保不立告〔{year}〕1号",
        f"连医保不立告〔{year}〕2号",
        f"常医保不立告〔{year}〕1号",
        f"连医保不立告〔{year}〕3号",
    ]
    assert other_kind == f"连医保立审〔{year}〕1号"


def test_sha256_is_of_the_stored_bytes_and_never_changes(lyg_bureau, alice):
    document = document_issue(
        kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={"reason": "理由一", "addressee": "某医院"}
    )
    first = document_pdf_bytes(document=document)
    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(first).hexdigest()
    # A second render request returns the stored bytes, not a fresh rendering.
    again = document_render(document=Document.objects.get(pk=document.pk))
    assert bytes(again.pdf) == first and again.sha256 == document.sha256


def test_a_correction_is_a_new_document_that_supersedes_the_old(lyg_bureau, alice):
    original = document_issue(kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={"reason": "旧"})
    correction = document_issue(
        kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={"reason": "新"}, supersedes=original
    )
    assert correction.number != original.number
    assert original.superseded_by == correction
    text = PdfReader(io.BytesIO(document_pdf_bytes(document=correction))).pages[0].extract_text()
    assert original.number in text.replace("\n", "")


def test_render_happens_after_commit(lyg_bureau, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_issue(kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={})
    document.refresh_from_db()
    assert document.sha256 and bytes(document.pdf).startswith(b"%PDF")


class TestVerifyEndpoint:
    def test_valid_and_invalid(self, api, lyg_bureau, alice):
        document = document_issue(kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={})
        document = document_render(document=document)
        url = "/api/v1/documents/verify/"
        assert api.get(url, {"number": document.number, "sha256": document.sha256}).json() == {"valid": True}
        assert api.get(url, {"number": document.number, "sha256": "0" * 64}).json() == {"valid": False}
        assert api.get(url, {"number": "X", "sha256": document.sha256}).json() == {"valid": False}

    def test_missing_parameters_are_400_with_field_errors(self, api, db):
        response = api.get("/api/v1/documents/verify/")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"number", "sha256"}


class TestDocumentApi:
    @pytest.fixture
    def document(self, lead, alice):
        triage_decide(lead=lead, by=alice, decision="dismiss", reason="不属实")
        return Document.objects.get(lead=lead)

    def test_owner_reads_metadata_and_pdf(self, api_as, alice, document):
        client = api_as(alice)
        meta = client.get(f"/api/v1/documents/{document.pk}/").json()
        assert meta["number"] == document.number and meta["kind"] == "non_opening_notice"
        assert meta["supersedes"] is None and meta["case"] is None
        response = client.get(f"/api/v1/documents/{document.pk}/pdf/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert (
            hashlib.sha256(response.content).hexdigest()
            == client.get(f"/api/v1/documents/{document.pk}/").json()["sha256"]
        )

    def test_outsider_police_and_anonymous_are_refused(self, api, api_as, charlie, police, document):
        for path in (f"/api/v1/documents/{document.pk}/", f"/api/v1/documents/{document.pk}/pdf/"):
            assert api.get(path).status_code == 401
            assert api_as(charlie).get(path).status_code == 404
            assert api_as(police).get(path).status_code == 404

    def test_web_download_refuses_outsiders(self, client, alice, charlie, document):
        client.force_login(charlie)
        assert client.get(f"/documents/{document.pk}/pdf/").status_code == 404
        client.force_login(alice)
        assert client.get(f"/documents/{document.pk}/pdf/").content.startswith(b"%PDF")
