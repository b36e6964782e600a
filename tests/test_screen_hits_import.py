"""Screening hits from files: the CSV/XLSX reader, the import_screen_hits command and the upload page."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.models import Lead, Subject
from intake.models import ScreenBatch, ScreenHit
from intake.screening_import import screen_hits_import

pytestmark = pytest.mark.django_db
PAGE = "/screening/import/"
HEADER = "来源,疑点编号,规则编码,规则名称,对象类别,对象编码,对象名称,开始日期,结束日期,金额,就诊次数"


def csv_text(subject, *, bad_row=True) -> str:
    lines = [
        HEADER,
        f"jsyb,E1,R01,重复收费,医疗机构,{subject.code},{subject.name},2026-01-01,2026-01-31,120.50,3",
        f"jsyb,E2,R01,重复收费,institution,{subject.code},{subject.name},2026-01-01,2026-01-31,80,",
    ]
    if bad_row:
        lines.append(f"jsyb,E3,R02,超量开药,医疗机构,{subject.code},{subject.name},2026-02-01,2026-01-01,-5,")
    lines.append(",,,,,,,,,,")
    return "\n".join(lines) + "\n"


def xlsx_bytes(subject) -> bytes:
    import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "source",
            "external_id",
            "rule_code",
            "rule_name",
            "subject_kind",
            "subject_code",
            "subject_name",
            "period_from",
            "period_to",
            "amount",
            "科室",
        ]
    )
    day = datetime.datetime(2026, 1, 5)
    sheet.append(["jsyb", 101, "R01", "重复收费", "institution", subject.code, subject.name, day, day, 99.9, "骨科"])
    sheet.append(["jsyb", 102, "R01", "重复收费", "hospital", subject.code, subject.name, day, day, 1, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_with_chinese_header_and_a_bad_row(screener, subject):
    report = screen_hits_import(data=csv_text(subject).encode("utf-8-sig"), file_name="hits.csv", by=screener)
    assert (report.received, report.created, report.rejected, report.leads_created) == (3, 2, 1, 1)
    assert {(e.row, e.field) for e in report.errors} == {(4, "period_to"), (4, "amount")}
    hit = ScreenHit.objects.get(external_id="E1")
    assert hit.details == {"就诊次数": "3"} and str(hit.amount) == "120.50"
    assert ScreenBatch.objects.get().channel == "file"


def test_csv_in_gb18030_is_read(screener, subject):
    report = screen_hits_import(data=csv_text(subject, bad_row=False).encode("gb18030"), file_name="h.csv", by=screener)
    assert report.created == 2
    assert ScreenHit.objects.get(external_id="E1").rule_name == "重复收费"


def test_xlsx_with_a_bad_row(screener, subject):
    report = screen_hits_import(data=xlsx_bytes(subject), file_name="hits.xlsx", by=screener)
    assert (report.created, report.rejected) == (1, 1)
    assert [(e.row, e.field) for e in report.errors] == [(3, "subject_kind")]
    hit = ScreenHit.objects.get()
    assert (hit.external_id, str(hit.amount), str(hit.period_from), hit.details) == (
        "101",
        "99.90",
        "2026-01-05",
        {"科室": "骨科"},
    )


def test_large_file_goes_in_chunks_of_5000(screener, subject):
    rows = [HEADER] + [f"s,E{n},R01,规则,institution,{subject.code},{subject.name},,,1.00," for n in range(5003)]
    report = screen_hits_import(data="\n".join(rows).encode(), file_name="big.csv", by=screener)
    assert (report.received, report.created, len(report.batches)) == (5003, 5003, 2)
    assert Lead.objects.count() == 1


def test_command_prints_counts_and_row_errors(tmp_path, screener, subject, capsys):
    path = tmp_path / "hits.csv"
    path.write_text(csv_text(subject), encoding="utf-8")
    call_command("import_screen_hits", str(path), "--user", "screener")
    out, err = capsys.readouterr()
    assert "3" in out and "2" in out
    assert "4" in err and "period_to" in err
    assert ScreenHit.objects.count() == 2
    call_command("import_screen_hits", str(path), "--user", "screener")
    assert ScreenHit.objects.count() == 2


@pytest.mark.parametrize(
    "content, name",
    [(b"\x00\x01\x02binary", "x.csv"), (b"PK\x03\x04broken zip", "x.xlsx"), (b"a,b\n1,2\n", "x.csv"), (b"", "x.csv")],
)
def test_command_refuses_unreadable_files(tmp_path, screener, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_screen_hits", str(path), "--user", "screener")


def test_command_refuses_missing_file_unknown_user_and_outsider(tmp_path, screener, police, subject):
    path = tmp_path / "hits.csv"
    path.write_text(csv_text(subject), encoding="utf-8")
    for args in (
        [str(tmp_path / "nope.csv"), "--user", "screener"],
        [str(path), "--user", "nobody"],
        [str(path), "--user", "police"],
    ):
        with pytest.raises(CommandError):
            call_command("import_screen_hits", *args)
    assert ScreenHit.objects.count() == 0


def test_upload_page_csv_shows_counts_and_the_bad_row(client, alice, subject):
    client.force_login(alice)
    assert client.get(PAGE).status_code == 200
    upload = SimpleUploadedFile("hits.csv", csv_text(subject).encode("utf-8"), content_type="text/csv")
    response = client.post(PAGE, {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.rejected) == (2, 1)
    html = response.content.decode()
    assert '<td class="num">4</td>' in html and "period_to" in html
    lead = Lead.objects.get()
    assert lead.agency == alice.agency and lead.registered_by == alice


def test_upload_page_xlsx(client, alice, subject):
    client.force_login(alice)
    upload = SimpleUploadedFile("hits.xlsx", xlsx_bytes(subject))
    response = client.post(PAGE, {"file": upload})
    assert response.context["report"].created == 1
    assert "subject_kind" in response.content.decode()


def test_upload_page_refuses_other_file_types(client, alice):
    client.force_login(alice)
    for name, content in (("doc.pdf", b"%PDF-1.4"), ("x.xlsx", b"not a zip"), ("x.csv", b"PK\x03\x04zip")):
        response = client.post(PAGE, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
    assert ScreenHit.objects.count() == 0


def test_upload_page_reports_header_problems(client, alice):
    client.force_login(alice)
    response = client.post(PAGE, {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert "file" in response.context["form"].errors


def test_upload_page_is_scoped_to_the_users_region(client, charlie, subject):
    client.force_login(charlie)
    upload = SimpleUploadedFile("hits.csv", csv_text(subject, bad_row=False).encode("utf-8"))
    report = client.post(PAGE, {"file": upload}).context["report"]
    assert (report.created, report.rejected) == (0, 2)
    assert not Subject.objects.filter(region=charlie.agency.region).exists()


def test_upload_page_refuses_outsiders_and_anonymous(client, police, subject):
    assert client.get(PAGE).status_code == 302
    client.force_login(police)
    assert client.get(PAGE).status_code == 403
    upload = SimpleUploadedFile("hits.csv", csv_text(subject).encode("utf-8"))
    assert client.post(PAGE, {"file": upload}).status_code == 403
    assert ScreenHit.objects.count() == 0


def test_screening_account_may_use_the_page(client, screener):
    client.force_login(screener)
    assert client.get(PAGE).status_code == 200
