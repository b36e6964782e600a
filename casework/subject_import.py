"""Import of the subject registry (检查对象) from CSV: parsing and validation, then one transaction.

Shared by the `import_subjects` command and, later, an upload page: `subjects_parse()` reads text
lines and returns every valid row and every error, so the caller can show all problems at once;
`subjects_import()` stores valid rows and is meant to be called only when there are no errors.
ID numbers are masked while parsing, so a clear ID number never leaves this module.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from casework.models import Subject
from casework.models.subjects import id_check_digit, mask_id_number
from organisation.models import Region

COLUMNS = (
    "kind",
    "code",
    "name",
    "region",
    "level",
    "ownership",
    "category",
    "address",
    "id_number",
    "profession",
    "institution_code",
)
REQUIRED_COLUMNS = ("kind", "code", "name", "region")
HEADER_LINE = 1

# Accepted spellings (code or the Chinese a registry export uses) for the coded columns.
KIND_ALIASES = {
    "医疗机构": Subject.Kind.INSTITUTION,
    "定点医疗机构": Subject.Kind.INSTITUTION,
    "药店": Subject.Kind.PHARMACY,
    "零售药店": Subject.Kind.PHARMACY,
    "定点零售药店": Subject.Kind.PHARMACY,
    "参保人": Subject.Kind.INSURED,
    "参保人员": Subject.Kind.INSURED,
    "医保医师": Subject.Kind.PRACTITIONER,
    "医师": Subject.Kind.PRACTITIONER,
    "药师": Subject.Kind.PRACTITIONER,
    "医务人员": Subject.Kind.PRACTITIONER,
    "其他": Subject.Kind.OTHER,
}
LEVEL_ALIASES = {"三级": "3", "二级": "2", "一级": "1", "未定级": "0", "无": "0"}
OWNERSHIP_ALIASES = {"公立": "public", "公办": "public", "民营": "private", "私立": "private", "社会办": "private"}
PROFESSION_ALIASES = {"医师": "doctor", "药师": "pharmacist", "护士": "nurse", "技师": "technician"}

ORGANISATIONS = (Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY)
PERSONS = (Subject.Kind.INSURED, Subject.Kind.PRACTITIONER)
MAX_LENGTHS = {"code": 40, "name": 120, "category": 40, "address": 200}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.column}：{self.message}"


@dataclass
class SubjectRow:
    """One valid row: the subject's key, the fields to store, and its employer's code if any."""

    line: int
    kind: str
    code: str
    fields: dict = field(default_factory=dict)
    institution_code: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def subjects_parse(lines: Iterable[str]) -> tuple[list[SubjectRow], list[RowError]]:
    """Validate CSV text lines (header first, UTF-8 BOM tolerated); return valid rows and all errors.

    Line numbers are 1-based and count the header as line 1. A row referring to an institution
    may name one that is registered already or one defined anywhere in the same file.
    """
    reader = csv.reader(_strip_bom(lines))
    header = next(reader, None)
    header_errors, columns = _check_header(header)
    if header_errors:
        return [], header_errors
    regions = {region.code: region for region in Region.objects.all()}
    rows, errors, first_line_of = [], [], {}
    line = HEADER_LINE
    for record in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        values = {name: (record[i].strip() if i < len(record) else "") for i, name in columns.items()}
        row, row_errors = _parse_row(start, values, regions)
        key = (row.kind, row.code)
        if row.code and key in first_line_of:
            row_errors.append(RowError(start, "code", f"编码 {row.code} 与第 {first_line_of[key]} 行重复"))
        elif row.code and row.kind:
            first_line_of[key] = start
        errors.extend(row_errors)
        if not row_errors:
            rows.append(row)
    errors.extend(_check_institutions(rows))
    bad_lines = {error.line for error in errors}
    return [row for row in rows if row.line not in bad_lines], sorted(errors, key=lambda e: e.line)


def subjects_import(rows: list[SubjectRow]) -> ImportResult:
    """Create or update the subjects of valid rows (key: kind and code), all in one transaction.

    Organisations are stored first so practitioners can point to employers from the same file.
    Optional columns left empty do not overwrite what the registry already holds.
    """
    result = ImportResult()
    ordered = sorted(rows, key=lambda row: row.kind not in ORGANISATIONS)
    with transaction.atomic():
        for row in ordered:
            defaults = {**row.fields, "status": Subject.Status.ACTIVE}
            if row.institution_code:
                defaults["institution"] = (
                    Subject.objects.filter(kind__in=ORGANISATIONS, code=row.institution_code).order_by("kind").first()
                )
            _, created = Subject.objects.update_or_create(kind=row.kind, code=row.code, defaults=defaults)
            result.created += created
            result.updated += not created
    return result


def existing_keys(rows: list[SubjectRow]) -> set[tuple[str, str]]:
    """The (kind, code) pairs of rows already in the registry: what an import would update."""
    keys = {(row.kind, row.code) for row in rows}
    stored = Subject.objects.filter(code__in={row.code for row in rows}).values_list("kind", "code")
    return keys & set(stored)


def _strip_bom(lines: Iterable[str]):
    first = True
    for text in lines:
        yield text.removeprefix("\ufeff") if first else text
        first = False


def _check_header(header: list[str] | None) -> tuple[list[RowError], dict[int, str]]:
    if header is None:
        return [RowError(HEADER_LINE, "表头", "文件为空")], {}
    names = [cell.strip().lower() for cell in header]
    errors = []
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        errors.append(RowError(HEADER_LINE, "表头", f"未知的列 {'、'.join(unknown)}（可用列：{', '.join(COLUMNS)}）"))
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        errors.append(RowError(HEADER_LINE, "表头", f"缺少必填列 {'、'.join(missing)}"))
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        errors.append(RowError(HEADER_LINE, "表头", f"列 {'、'.join(repeated)} 重复"))
    return errors, {i: name for i, name in enumerate(names) if name in COLUMNS}


def _parse_row(line: int, values: dict[str, str], regions: dict[str, Region]) -> tuple[SubjectRow, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    kind = _kind(values.get("kind", ""), error)
    row = SubjectRow(line=line, kind=kind, code=values.get("code", ""))
    for column in REQUIRED_COLUMNS[1:]:
        if not values.get(column):
            error(column, "必填")
    for column, limit in MAX_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            error(column, f"不能超过 {limit} 个字符")
    region = regions.get(values.get("region", ""))
    if values.get("region") and region is None:
        error("region", f"未知的统筹区代码 {values['region']}")
    row.fields = {"name": values.get("name", ""), "region": region}
    row.fields.update(_optional_fields(kind, values, error))
    if kind == Subject.Kind.PRACTITIONER:
        row.institution_code = values.get("institution_code", "")
    elif values.get("institution_code"):
        error("institution_code", "仅医保医师、药师等医务人员可填写所在机构")
    return row, errors


def _kind(value: str, error) -> str:
    kind = KIND_ALIASES.get(value, value.lower())
    if not value:
        error("kind", "必填")
    elif kind not in Subject.Kind.values:
        error("kind", f"未知的对象类型 {value}（应为 {'、'.join(Subject.Kind.values)}）")
        return ""
    return kind


def _optional_fields(kind: str, values: dict[str, str], error) -> dict:
    """The optional columns that are filled in, checked against what the kind of subject may have."""
    fields = {}
    for column in ("category", "address"):
        if values.get(column):
            fields[column] = values[column]
    coded = (
        ("level", LEVEL_ALIASES, Subject.Level.values, ORGANISATIONS, "医疗机构和药店"),
        ("ownership", OWNERSHIP_ALIASES, Subject.Ownership.values, ORGANISATIONS, "医疗机构和药店"),
        ("profession", PROFESSION_ALIASES, Subject.Profession.values, (Subject.Kind.PRACTITIONER,), "医务人员"),
    )
    for column, aliases, allowed, kinds, who in coded:
        value = values.get(column, "")
        if not value:
            continue
        code = _coded(value, aliases)
        if code not in allowed:
            error(column, f"未知的取值 {value}（应为 {'、'.join(allowed)} 或 {'、'.join(aliases)}）")
        elif kind and kind not in kinds:
            error(column, f"仅适用于{who}")
        else:
            fields[column] = code
    id_number = values.get("id_number", "")
    if id_number:
        if kind and kind not in PERSONS:
            error("id_number", "仅参保人员和医务人员可填写身份证号码")
        elif (problem := _id_number_problem(id_number)) is not None:
            error("id_number", problem)
        else:
            fields["id_number_masked"] = mask_id_number(id_number.upper())
    return fields


def _coded(value: str, aliases: dict[str, str]) -> str:
    """A code from its code or Chinese name; 三级甲等 reads as 三级."""
    if value.lower() in aliases.values() or value in aliases.values():
        return value.lower()
    for alias, code in aliases.items():
        if value.startswith(alias):
            return code
    return value


def _id_number_problem(id_number: str) -> str | None:
    """Why an 18-digit citizen ID number (GB 11643) is not valid; an already masked one is accepted."""
    id_number = id_number.upper()
    if len(id_number) != 18:
        return "身份证号码应为 18 位"
    if "*" in id_number:
        return None if id_number[:4].isdigit() and id_number[-4:-1].isdigit() else "身份证号码格式不正确"
    body, check = id_number[:17], id_number[17]
    if not body.isdigit() or not (check.isdigit() or check == "X"):
        return "身份证号码格式不正确"
    if id_check_digit(body) != check:
        return "身份证号码校验位不正确"
    return None


def _check_institutions(rows: list[SubjectRow]) -> list[RowError]:
    """Practitioners' employers must be registered or defined in the same file."""
    wanted = {row.institution_code for row in rows if row.institution_code}
    if not wanted:
        return []
    known = {row.code for row in rows if row.kind in ORGANISATIONS}
    known |= set(Subject.objects.filter(kind__in=ORGANISATIONS, code__in=wanted).values_list("code", flat=True))
    return [
        RowError(row.line, "institution_code", f"未知的医疗机构或药店编码 {row.institution_code}")
        for row in rows
        if row.institution_code and row.institution_code not in known
    ]
