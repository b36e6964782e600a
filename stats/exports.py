"""The tables as the paper forms: .xlsx (openpyxl) and PDF (weasyprint, the documents' templates)."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from documents.formatting import chinese_date
from documents.kinds import STATS_RESULTS_TABLE, STATS_VIOLATIONS_TABLE
from documents.rendering import render_pdf
from stats import liyang
from stats.tables import PROVIDER_KINDS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DASH = "—"
COUNT_FORMAT = "0"
MONEY_FORMAT = "#,##0.00"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
FONT = "宋体"


def period_text(table: dict) -> str:
    from datetime import date

    start, end = date.fromisoformat(table["from"]), date.fromisoformat(table["to"])
    return f"{chinese_date(start)}至{chinese_date(end)}"


def region_line(table: dict) -> str:
    return f"统筹区：{table['region']['name']}　　统计期间：{period_text(table)}"


def results_remarks(table: dict) -> list[str]:
    """The 备注 cell of 附件2 (一), filled in with the header figures."""
    overview, money = table["providers"]["overview"], table["providers"]["money"]
    inst, pharm = overview["institution"], overview["pharmacy"]
    return [
        f"统筹区内定点医疗机构共{inst['registered']}家，检查定点医疗机构合计{inst['checked']}家，"
        f"其中现场检查{inst['checked_on_site']}家。",
        f"统筹区内定点药店共{pharm['registered']}家，检查定点药店合计{pharm['checked']}家，"
        f"其中现场检查{pharm['checked_on_site']}家。",
        f"追回资金{money['total']}万元，其中：医保基金{money['fund']}万元，个人{money['personal']}万元。",
    ]


def total_text(subjects: int, money: str, unit: str) -> str:
    return f"{subjects}{unit}，{money}万元"


# XLSX ------------------------------------------------------------------------------------------


class _Sheet:
    def __init__(self, sheet, widths: list[float]):
        self.sheet = sheet
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        self.columns = len(widths)

    def cell(self, row: int, column: int, value, *, align=CENTER, bold=False, border=True, number_format=None):
        cell = self.sheet.cell(row=row, column=column)
        if value is None:
            value = DASH
        cell.value = value
        cell.alignment = align
        cell.font = Font(name=FONT, size=11, bold=bold)
        if border:
            cell.border = BORDER
        if number_format and isinstance(value, int | Decimal):
            cell.number_format = number_format
        return cell

    def merge(self, row: int, column: int, last_row: int, last_column: int, value, *, border=True, **style):
        self.cell(row, column, value, border=border, **style)
        if border:
            for r in range(row, last_row + 1):
                for c in range(column, last_column + 1):
                    self.sheet.cell(row=r, column=c).border = BORDER
        if (row, column) != (last_row, last_column):
            self.sheet.merge_cells(start_row=row, start_column=column, end_row=last_row, end_column=last_column)

    def heading(self, row: int, annex: str, title: str, region: str) -> int:
        self.cell(row, 1, annex, align=LEFT, bold=True, border=False)
        self.merge(row + 1, 1, row + 1, self.columns, title, border=False)
        title_cell = self.sheet.cell(row=row + 1, column=1)
        title_cell.font = Font(name=FONT, size=16, bold=True)
        self.sheet.row_dimensions[row + 1].height = 30
        self.merge(row + 2, 1, row + 2, self.columns, region, border=False, align=LEFT)
        return row + 3


def _number(value):
    """Counts stay ints, money strings become Decimals (numbers in the sheet); None stays None (—)."""
    if isinstance(value, str):
        return Decimal(value)
    return value


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def results_xlsx(table: dict) -> bytes:
    workbook = Workbook()
    sheet = _Sheet(workbook.active, [7, 40, 16, 16, 46])
    workbook.active.title = liyang.RESULTS_ANNEX
    row = sheet.heading(1, liyang.RESULTS_ANNEX, table["title"], region_line(table))
    providers = table["providers"]
    sheet.merge(row, 1, row, 5, providers["section"], border=False, align=LEFT, bold=True)
    row += 1
    number_h, type_h, count_h, remark_h = liyang.PROVIDER_HEADERS
    sheet.merge(row, 1, row + 1, 1, number_h, bold=True)
    sheet.merge(row, 2, row + 1, 2, type_h, bold=True)
    sheet.merge(row, 3, row, 4, count_h, bold=True)
    sheet.merge(row, 5, row + 1, 5, remark_h, bold=True)
    for offset, label in enumerate(liyang.PROVIDER_COLUMNS):
        sheet.cell(row + 1, 3 + offset, label, bold=True)
    row += 2
    first = row
    for data in providers["rows"]:
        sheet.cell(row, 1, data["number"])
        sheet.cell(row, 2, data["label"], align=LEFT)
        money = data["unit"] == "万元"
        for offset, kind in enumerate(PROVIDER_KINDS):
            sheet.cell(
                row,
                3 + offset,
                _number(data[kind]),
                align=RIGHT if data[kind] is not None else CENTER,
                number_format=MONEY_FORMAT if money else COUNT_FORMAT,
            )
        row += 1
    sheet.merge(first, 5, row - 1, 5, "\n".join(results_remarks(table)), align=TOP_LEFT)
    sheet.merge(row, 1, row, 2, liyang.PROVIDER_TOTAL, bold=True)
    for offset, kind in enumerate(PROVIDER_KINDS):
        total = providers["total"][kind]
        sheet.cell(row, 3 + offset, total_text(total["subjects"], total["money"], "家"))
    sheet.cell(row, 5, "")
    row += 2

    insured = table["insured"]
    sheet.merge(row, 1, row, 5, insured["section"], border=False, align=LEFT, bold=True)
    row += 1
    number_h, result_h, persons_h = liyang.INSURED_HEADERS
    sheet.cell(row, 1, number_h, bold=True)
    sheet.cell(row, 2, result_h, bold=True)
    sheet.merge(row, 3, row, 4, persons_h, bold=True)
    row += 1
    for data in insured["rows"]:
        sheet.cell(row, 1, data["number"])
        sheet.cell(row, 2, data["label"], align=LEFT)
        money = data["unit"] == "万元"
        value = _number(data["value"])
        sheet.merge(
            row,
            3,
            row,
            4,
            value,
            align=RIGHT if value is not None else CENTER,
            number_format=MONEY_FORMAT if money else COUNT_FORMAT,
        )
        row += 1
    sheet.merge(row, 1, row, 2, liyang.INSURED_TOTAL, bold=True)
    total = insured["total"]
    sheet.merge(row, 3, row, 4, total_text(total["persons"], total["money"], "人"))
    return _workbook_bytes(workbook)


def violations_xlsx(table: dict) -> bytes:
    workbook = Workbook()
    sheet = _Sheet(workbook.active, [7, 62, 12, 18, 18])
    workbook.active.title = liyang.VIOLATIONS_ANNEX
    row = sheet.heading(1, liyang.VIOLATIONS_ANNEX, table["title"], region_line(table))
    for section in table["sections"]:
        sheet.merge(row, 1, row, 5, section["title"], border=False, align=LEFT, bold=True)
        row += 1
        for column, header in enumerate(liyang.VIOLATION_HEADERS, start=1):
            sheet.cell(row, column, header, bold=True)
        sheet.sheet.row_dimensions[row].height = 30
        row += 1
        for data in section["rows"]:
            sheet.cell(row, 1, data["number"])
            sheet.cell(row, 2, data["label"], align=LEFT)
            sheet.cell(row, 3, data["cases"], align=RIGHT, number_format=COUNT_FORMAT)
            sheet.cell(row, 4, Decimal(data["amount"]), align=RIGHT, number_format=MONEY_FORMAT)
            sheet.cell(row, 5, Decimal(data["fund"]), align=RIGHT, number_format=MONEY_FORMAT)
            row += 1
        total = section["total"]
        sheet.merge(row, 1, row, 2, liyang.VIOLATION_TOTAL, bold=True)
        sheet.cell(row, 3, total["cases"], align=RIGHT, bold=True, number_format=COUNT_FORMAT)
        sheet.cell(row, 4, Decimal(total["amount"]), align=RIGHT, bold=True, number_format=MONEY_FORMAT)
        sheet.cell(row, 5, Decimal(total["fund"]), align=RIGHT, bold=True, number_format=MONEY_FORMAT)
        row += 2
    return _workbook_bytes(workbook)


# PDF -------------------------------------------------------------------------------------------

KINDS = {"results": STATS_RESULTS_TABLE, "violations": STATS_VIOLATIONS_TABLE}


def document_context(table: dict) -> dict:
    """What the document templates need besides the table itself (frozen with it when issued)."""
    remarks = results_remarks(table) if "providers" in table else []
    return {"table": table, "region_line": region_line(table), "remarks": remarks}


def preview_pdf(kind: str, table: dict, *, agency_name: str) -> bytes:
    """The printable form rendered on the fly (not numbered: the issued documents are)."""
    document_kind = KINDS[kind]
    header = {"number": _("Preview — not issued"), "title": document_kind.title, "issued_on": "", "supersedes": ""}
    context = {**document_context(table), "agency_name": agency_name, "document": header}
    return render_pdf(template=document_kind.template, context=context)
