"""Import of screening hits from the screening system's CSV or XLSX exports, with a per-row error report.

Rows become hits for intake.screening.screen_hits_ingest, in chunks of 5,000 (one transaction each):
a chunk already stored stays stored if a later one fails, and importing the file again stores only
what is missing, since hits are idempotent on (source, external_id). Columns are matched by their
English or Chinese names; any other column goes into the hit's details under its header.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.errors import DomainError
from casework.subject_import import KIND_ALIASES
from intake.models import ScreenBatch
from intake.screening import MAX_BATCH, screen_hits_ingest
from organisation.models import User

MAX_FILE_BYTES = 20 * 1024 * 1024
HEADER_ROW = 1
REQUIRED = ("source", "external_id", "rule_code", "rule_name", "subject_kind", "subject_code", "subject_name")
COLUMNS = (*REQUIRED, "period_from", "period_to", "amount")
ALIASES = {
    "来源": "source",
    "来源系统": "source",
    "疑点编号": "external_id",
    "疑点ID": "external_id",
    "规则编码": "rule_code",
    "规则编号": "rule_code",
    "规则名称": "rule_name",
    "对象类别": "subject_kind",
    "对象类型": "subject_kind",
    "对象编码": "subject_code",
    "对象代码": "subject_code",
    "对象名称": "subject_name",
    "开始日期": "period_from",
    "结束日期": "period_to",
    "金额": "amount",
    "涉及金额": "amount",
    "疑点金额": "amount",
}
# The service names subject fields subject.kind etc.; the file calls them subject_kind.
SERVICE_FIELDS = {"subject.kind": "subject_kind", "subject.code": "subject_code", "subject.name": "subject_name"}
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(DomainError):
    status = 400
    message = gettext_lazy("The file cannot be read.")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d: %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class ImportReport:
    received: int = 0
    created: int = 0
    duplicates: int = 0
    rejected: int = 0
    leads_created: int = 0
    leads_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    batches: list[ScreenBatch] = field(default_factory=list)


def file_kind(head: bytes, name: str) -> str:
    """ "xlsx" or "csv", from the content and the name; UnreadableFile for anything else."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if head.startswith(XLSX_MAGIC) and extension in ("xlsx", ""):
        return "xlsx"
    if extension in ("csv", "txt", "") and not head.startswith(XLSX_MAGIC) and b"\x00" not in head:
        return "csv"
    raise UnreadableFile(_("Upload a CSV file or an Excel workbook (.xlsx)."))


def screen_hits_import(*, data: bytes, file_name: str, by: User) -> ImportReport:
    """Read a CSV or XLSX export and ingest its rows for by; report counts and every refused row."""
    rows = read_rows(data, file_name)
    report = ImportReport()
    chunk: list[tuple[int, dict]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) == MAX_BATCH:
            _ingest_chunk(chunk, report, by=by, file_name=file_name)
            chunk = []
    if chunk:
        _ingest_chunk(chunk, report, by=by, file_name=file_name)
    return report


def read_table(data: bytes, file_name: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header's cells and (row number, cells) for each data row of a CSV or XLSX file; the header is row 1.
    Raises UnreadableFile for a file too large, empty or not readable as either."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // 2**20})
    records = _xlsx_records(data) if file_kind(data[:8], file_name) == "xlsx" else _csv_records(data)
    header = next(records, None)
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    rows = ((number, [_cell(value) for value in record]) for number, record in enumerate(records, start=HEADER_ROW + 1))
    return [_cell(value) for value in header], rows


def read_rows(data: bytes, file_name: str) -> Iterator[tuple[int, dict]]:
    """(row number, hit) for each non-empty data row; the header is row 1. Header problems raise at once."""
    header, rows = read_table(data, file_name)
    return _hits(rows, _columns(header))


def _hits(rows: Iterator[tuple[int, list[str]]], columns: dict[int, str]) -> Iterator[tuple[int, dict]]:
    for number, cells in rows:
        if not any(cells):
            continue
        values, details = {}, {}
        for i, name in columns.items():
            value = cells[i] if i < len(cells) else ""
            if name in COLUMNS:
                values[name] = value
            elif value:
                details[name] = value
        kind = values.get("subject_kind", "")
        yield (
            number,
            {
                "source": values.get("source", ""),
                "external_id": values.get("external_id", ""),
                "rule_code": values.get("rule_code", ""),
                "rule_name": values.get("rule_name", ""),
                "subject": {
                    "kind": KIND_ALIASES.get(kind, kind.lower()),
                    "code": values.get("subject_code", ""),
                    "name": values.get("subject_name", ""),
                },
                "period_from": values.get("period_from", ""),
                "period_to": values.get("period_to", ""),
                "amount": values.get("amount", ""),
                "details": details,
            },
        )


def _columns(header: list) -> dict[int, str]:
    """Column index → canonical name (or, for extra columns, the header as written)."""
    columns, seen = {}, set()
    for i, value in enumerate(header):
        title = _cell(value)
        if not title:
            continue
        name = ALIASES.get(title, title.lower() if title.lower() in COLUMNS else title)
        if name in seen:
            raise UnreadableFile(_("The column %(name)s appears twice.") % {"name": title})
        seen.add(name)
        columns[i] = name
    missing = [name for name in REQUIRED if name not in seen]
    if missing:
        raise UnreadableFile(
            _("Missing columns: %(columns)s. The header needs %(required)s.")
            % {"columns": ", ".join(missing), "required": ", ".join(REQUIRED)}
        )
    return columns


def _cell(value) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole numbers without .0, other numbers as written."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _csv_records(data: bytes) -> Iterator[list]:
    text = _decode(data)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise UnreadableFile(_("The file is not a valid CSV file: %(error)s") % {"error": exc}) from exc


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Excel saves CSV on Chinese Windows."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8."))


def _xlsx_records(data: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    # A damaged or foreign zip fails in openpyxl, zipfile or the XML parser with many exception types.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        raise UnreadableFile(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except Exception as exc:  # noqa: BLE001
        raise UnreadableFile(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    finally:
        workbook.close()


def _ingest_chunk(chunk: list[tuple[int, dict]], report: ImportReport, *, by: User, file_name: str) -> None:
    result = screen_hits_ingest(
        hits=[hit for _row, hit in chunk], by=by, channel=ScreenBatch.Channel.FILE, file_name=file_name
    )
    report.received += result.received
    report.created += result.created
    report.duplicates += result.duplicates
    report.rejected += len(result.rejected)
    report.leads_created += result.leads_created
    report.leads_updated += result.leads_updated
    report.batches.append(result.batch)
    for item in result.rejected:
        row = chunk[item["index"]][0]
        for name, messages in item["errors"].items():
            report.errors.extend(RowError(row, SERVICE_FIELDS.get(name, name), str(m)) for m in messages)
