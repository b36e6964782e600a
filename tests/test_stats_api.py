"""The statistics API (附件2/附件3 as JSON, .xlsx and PDF), the page, issuing, and who may read what."""

import io

import openpyxl
import pytest
from pypdf import PdfReader

from documents.models import Document
from organisation.roles import Role
from tests.factories import UserFactory
from tests.test_stats_tables import FROM, TO, world  # noqa: F401 - the fixture

RESULTS = "/api/v1/statistics/results/"
VIOLATIONS = "/api/v1/statistics/violations/"
PERIOD = {"from": FROM.isoformat(), "to": TO.isoformat()}


def test_results_json(api_as, alice, world):  # noqa: F811
    response = api_as(alice).get(RESULTS, {"region": "320700", **PERIOD})
    assert response.status_code == 200
    body = response.json()
    assert body["region"]["code"] == "320700" and body["from"] == "2025-01-01"
    rows = {row["key"]: row for row in body["providers"]["rows"]}
    assert rows["penalty"]["institution"] == 1 and rows["fund_recovered"]["institution"] == "3.00"
    assert body["providers"]["total"]["institution"] == {"subjects": 2, "money": "3.00"}
    assert body["insured"]["rows"][0]["value"] is None


def test_violations_json_of_a_county_for_the_province_auditor(api_as, auditor, world):  # noqa: F811
    response = api_as(auditor).get(VIOLATIONS, {"region": "320722", **PERIOD})
    assert response.status_code == 200
    institution = response.json()["sections"][0]
    assert institution["total"] == {"cases": 1, "amount": "2000.00", "fund": "1500.00"}


def test_default_region_is_the_callers(api_as, charlie, world):  # noqa: F811
    body = api_as(charlie).get(RESULTS, PERIOD).json()
    assert body["region"]["code"] == "320400"
    assert body["providers"]["total"]["institution"]["subjects"] == 1


def test_xlsx(api_as, alice, world):  # noqa: F811
    response = api_as(alice).get(RESULTS, {"region": "320700", **PERIOD, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert {"序号", "处理结果类型", "定点医疗机构", "定点药店", "合计（不重复数）"} <= values

    response = api_as(alice).get(VIOLATIONS, {"region": "320700", **PERIOD, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "违规例数" in {cell.value for row in sheet.iter_rows() for cell in row}


@pytest.mark.parametrize(
    ("url", "title"),
    [(RESULTS, "处理结果表"), (VIOLATIONS, "违规行为表")],
)
def test_pdf(api_as, alice, world, url, title):  # noqa: F811
    response = api_as(alice).get(url, {"region": "320700", **PERIOD, "format": "pdf"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert title in text.replace(" ", "") and "连云港市" in text


def test_anonymous_is_401(api):
    assert api.get(RESULTS).status_code == 401
    assert api.get(VIOLATIONS, {"format": "xlsx"}).status_code == 401


def test_region_outside_reach_is_404(api_as, alice, charlie, world):  # noqa: F811
    assert api_as(alice).get(RESULTS, {"region": "320400", **PERIOD}).status_code == 404
    assert api_as(alice).get(RESULTS, {"region": "320000", **PERIOD}).status_code == 404
    assert api_as(charlie).get(VIOLATIONS, {"region": "320722", **PERIOD, "format": "pdf"}).status_code == 404
    assert api_as(alice).get(RESULTS, {"region": "999999"}).status_code == 404


def test_police_is_refused(api_as, police):
    assert api_as(police).get(RESULTS).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2025-06-01", "to": "2025-05-31"}, "to"),
    ],
)
def test_bad_dates_are_400_with_field_errors(api_as, alice, params, field):
    response = api_as(alice).get(RESULTS, {**params, "format": "xlsx"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["errors"]


# The page -----------------------------------------------------------------------------------------


def test_page_shows_both_tables(client, alice, world):  # noqa: F811
    client.force_login(alice)
    response = client.get("/statistics/", {"region": "320700", "date_from": "2025-01-01", "date_to": "2025-06-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "打击欺诈骗取医疗保障基金专项行动情况统计表（处理结果表）" in html
    assert "统筹区内定点医疗机构共2家" in html and "2家，3.00万元" in html
    assert "（三）参保人员违规" in html and "52000.00" in html
    assert "format=xlsx" in html and "format=pdf" in html
    assert 'value="320400"' not in html  # 常州 is not in alice's region select


def test_page_refuses_outsiders(client, police, world):  # noqa: F811
    assert client.get("/statistics/").status_code == 302  # to the login page
    client.force_login(police)
    assert client.get("/statistics/").status_code == 403


def test_page_rejects_a_region_outside_reach(client, alice):
    client.force_login(alice)
    response = client.get("/statistics/", {"region": "320400", "date_from": "2025-01-01", "date_to": "2025-06-30"})
    assert response.status_code == 400


def test_issue_a_numbered_table(client, alice, auditor, charlie, world, django_capture_on_commit_callbacks):  # noqa: F811
    client.force_login(alice)
    form = {"table": "results", "region": "320700", "date_from": "2025-01-01", "date_to": "2025-06-30"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/statistics/issue/", form)
    assert response.status_code == 302
    document = Document.objects.get(kind="stats_results_table")
    assert document.number == f"连医保统结〔{document.year}〕1号"
    assert document.agency == alice.agency
    assert document.context["table"]["providers"]["total"]["institution"]["subjects"] == 2
    pdf = client.get(f"/statistics/documents/{document.pk}/pdf/")
    assert pdf.status_code == 200 and bytes(pdf.content).startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(pdf.content))).pages)
    assert document.number in text.replace(" ", "")
    assert document.number in client.get("/statistics/").content.decode()

    # The province's auditor reads it; another city does not; the auditor may not issue.
    client.force_login(auditor)
    assert client.get(f"/statistics/documents/{document.pk}/pdf/").status_code == 200
    assert client.post("/statistics/issue/", form).status_code == 403
    client.force_login(charlie)
    assert client.get(f"/statistics/documents/{document.pk}/pdf/").status_code == 404
    assert document.number not in client.get("/statistics/").content.decode()


def test_issue_needs_a_head(client, lyg_bureau, world):  # noqa: F811
    investigator = UserFactory(username="inv", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
    client.force_login(investigator)
    form = {"table": "violations", "region": "320700", "date_from": "2025-01-01", "date_to": "2025-06-30"}
    assert client.post("/statistics/issue/", form).status_code == 403
    assert not Document.objects.filter(kind="stats_violations_table").exists()
