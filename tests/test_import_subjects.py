"""import_subjects: valid files import, any bad row stops the whole import with per-row messages."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from casework.models import Subject
from casework.subject_import import subjects_parse
from organisation.models import Region

pytestmark = pytest.mark.django_db

HEADER = "kind,code,name,region,level,ownership,category,address,id_number,profession,institution_code"
# Synthetic ID numbers with valid GB 11643 check digits.
CLEAR_ID = "320722198001010014"
OTHER_ID = "320722198001010022"
VALID_ROWS = [
    "institution,H32070699001,海州区示例医院,320700,三级甲等,公立,综合医院,海州区通灌路1号,,,",
    "pharmacy,P32070600001,连云港示例大药房（新海店）,320700,,民营,连锁药店,,,,",
    f"insured,3207220000000001,王某,320722,,,城乡居民基本医疗保险,,{CLEAR_ID},,",
    "practitioner,D320706000001,李某,320700,,,内科,,,医师,H32070699001",
]


@pytest.fixture
def import_regions(db):
    province, _ = Region.objects.get_or_create(code="320000", defaults={"name": "江苏省", "level": "province"})
    city, _ = Region.objects.get_or_create(
        code="320700", defaults={"name": "连云港市", "level": "city", "parent": province}
    )
    Region.objects.get_or_create(code="320722", defaults={"name": "东海县", "level": "county", "parent": city})
    return city


@pytest.fixture
def write_csv(tmp_path):
    def write(*rows: str, bom: bool = True):
        path = tmp_path / "subjects.csv"
        path.write_text(("\ufeff" if bom else "") + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        return str(path)

    return write


def run(path: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_subjects", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_valid_file_imports_every_kind(import_regions, write_csv):
    out, _ = run(write_csv(*VALID_ROWS))

    assert "新增 4 个" in out
    hospital = Subject.objects.get(kind="institution", code="H32070699001")
    assert (hospital.name, hospital.region.code, hospital.level, hospital.ownership) == (
        "海州区示例医院",
        "320700",
        "3",
        "public",
    )
    assert Subject.objects.get(kind="pharmacy").ownership == "private"
    doctor = Subject.objects.get(kind="practitioner")
    assert (doctor.profession, doctor.institution) == ("doctor", hospital)
    assert Subject.objects.get(kind="insured").id_number_masked == "3207**********0014"


def test_clear_id_number_is_never_stored(import_regions, write_csv):
    run(write_csv(*VALID_ROWS))

    assert not Subject.objects.filter(id_number_masked__contains=CLEAR_ID).exists()
    assert not any(CLEAR_ID in str(entry.changes) for entry in LogEntry.objects.all())


def test_reimport_updates_by_kind_and_code(import_regions, write_csv):
    run(write_csv(*VALID_ROWS))
    out, _ = run(write_csv("institution,H32070699001,海州区示例医院（新址）,320700,,,,,,,"))

    assert "新增 0 个，更新 1 个" in out
    hospital = Subject.objects.get(code="H32070699001")
    assert hospital.name == "海州区示例医院（新址）"
    assert hospital.level == "3", "an empty optional column keeps the stored value"
    assert Subject.objects.count() == 4


def test_practitioner_may_name_a_registered_institution(import_regions, write_csv):
    Subject.objects.create(kind="institution", code="H32070600077", name="已登记医院", region=import_regions)
    run(write_csv("practitioner,D320706000002,张某,320700,,,,,,doctor,H32070600077"))

    assert Subject.objects.get(code="D320706000002").institution.name == "已登记医院"


def test_bad_rows_are_all_reported_and_nothing_is_imported(import_regions, write_csv):
    path = write_csv(
        VALID_ROWS[0],
        "institution,H2,坏医院,999999,九级,,,,,,",
        "pharmacy,P2,,320700,,,,,,,",
        "hospital,X1,某某,320700,,,,,,,",
        "institution,H32070699001,重复医院,320700,,,,,,,",
        "practitioner,D2,赵某,320700,,,,,,doctor,H404",
        f"insured,I2,钱某,320722,,,,,{CLEAR_ID[:-1]}9,,",
        ",,,,,,,,,,",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_subjects", path, stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "第 3 行：region：未知的统筹区代码 999999",
        "第 3 行：level：未知的取值 九级（应为 3、2、1、0 或 三级、二级、一级、未定级、无）",
        "第 4 行：name：必填",
        "第 5 行：kind：未知的对象类型 hospital（应为 institution、pharmacy、insured、practitioner、other）",
        "第 6 行：code：编码 H32070699001 与第 2 行重复",
        "第 7 行：institution_code：未知的医疗机构或药店编码 H404",
        "第 8 行：id_number：身份证号码校验位不正确",
    ]
    assert not Subject.objects.exists()


def test_dry_run_stores_nothing(import_regions, write_csv):
    out, _ = run(write_csv(*VALID_ROWS), "--dry-run")

    assert "将新增 4 个" in out and "未写入" in out
    assert not Subject.objects.exists()


def test_missing_required_column_is_reported_on_the_header_line(import_regions, tmp_path):
    path = tmp_path / "subjects.csv"
    path.write_text("kind,code,region\ninstitution,H1,320700\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_subjects", str(path), stdout=io.StringIO(), stderr=err)

    assert "第 1 行：表头：缺少必填列 name" in err.getvalue()


def test_parser_counts_physical_lines_and_masks_ids(import_regions):
    """The reusable parser: blank lines and quoted line breaks still give the line a user sees."""
    text = "\n".join(
        [
            HEADER,
            "",
            'institution,H32070699001,"多行\n名称",320700,,,,,,,',
            f"insured,3207220000000002,孙某,320722,,,,,{OTHER_ID},,",
            "insured,3207220000000003,周某,888888,,,,,,,",
        ]
    )
    rows, errors = subjects_parse(io.StringIO("\ufeff" + text))

    assert [str(e) for e in errors] == ["第 6 行：region：未知的统筹区代码 888888"]
    assert [(row.line, row.code) for row in rows] == [(3, "H32070699001"), (5, "3207220000000002")]
    assert rows[1].fields["id_number_masked"] == "3207**********0022"
    assert OTHER_ID not in repr(rows)
