"""The score grid as an Excel workbook: download it, fill it in Excel, upload it back.

The file is a format, so its sheet names and headers stay Vietnamese whatever the user's language:

* sheet "Cham diem": row 1 the criteria codes, row 2 their titles, row 3 their maximum points
  (penalty items: the lowest allowed value, negative); from row 4 one unit per row, its code in
  column A; the totals columns at the end are Excel formulas, for reading only;
* sheet "Phien ban" (hidden): which table, bloc, year and kind of value (self or assessed) the file
  holds, and for every cell the version and value it had when downloaded.

An upload is checked like the grid form and written all or nothing. Cells the user did not change
are not written (no history noise). A changed cell whose server value was changed by someone else
since the download is a conflict: nothing is written and the cell is reported.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from blocs.models import Criterion, CriterionKind
from blocs.services_scores import (
    ASSESSED,
    SELF,
    VALUE_FIELDS,
    BatchResult,
    CellChange,
    GridData,
    is_untouched,
    scores_save,
)
from units.text import clean_text, search_key
from units.xlsx import FILE_LANGUAGE, XLSX_CONTENT_TYPE, ImportResult, Problem, open_workbook, safe_cell, unquote

logger = logging.getLogger(__name__)

__all__ = ["XLSX_CONTENT_TYPE", "UploadResult", "export_grid", "import_grid"]

SHEET_SCORES = "Cham diem"
SHEET_VERSIONS = "Phien ban"
FORMAT_MARK = "thidua-cham-diem-1"
HEADER_CODE = "Mã đơn vị"
HEADER_NAME = "Tên đơn vị"
FIRST_ROW = 4  # rows 1-3: code, title, maximum
TOTAL_HEADERS = ("Cộng điểm", "Điểm thưởng", "Điểm trừ", "Tổng điểm")
KIND_LABELS = {ASSESSED: "Điểm thẩm định", SELF: "Điểm tự chấm"}
_MAX_ROWS = 2_000
_MAX_VERSION_ROWS = 100_000  # a bloc has at most 15 units; a table a few dozen criteria
_VERSION_HEADER = ("don_vi", "tieu_chi", "phien_ban", "gia_tri_khi_tai")


# --- Download ---------------------------------------------------------------------------------


def export_grid(*, data: GridData, memberships: list, kind: str, bloc, year: int) -> bytes:
    """The grid of one kind of value (self or assessed) as a workbook that uploads back unchanged."""
    with translation.override(FILE_LANGUAGE):
        book = Workbook()
        ws = book.active
        ws.title = SHEET_SCORES
        _write_scores(ws, data, memberships, kind, bloc, year)
        _write_versions(book.create_sheet(SHEET_VERSIONS), data, memberships, kind, bloc, year)
        out = BytesIO()
        book.save(out)
        return out.getvalue()


def _write_scores(ws: Worksheet, data: GridData, memberships: list, kind: str, bloc, year: int) -> None:
    criteria = data.criteria
    ws.append([HEADER_CODE, HEADER_NAME, *[safe_cell(c.code) for c in criteria], *TOTAL_HEADERS])
    ws.append([safe_cell(bloc.name), "Nội dung tiêu chí", *[safe_cell(c.title) for c in criteria]])
    ws.append([f"Năm {year} — {KIND_LABELS[kind]}", "Điểm tối đa", *[_bound(c) for c in criteria]])
    for m in memberships:
        values = [data.value(m.unit_id, c.pk, kind) for c in criteria]
        ws.append([safe_cell(m.unit.code), safe_cell(m.unit.name), *values])
    last = FIRST_ROW + len(memberships) - 1
    first_total = len(criteria) + 3
    letters = {kind_: [get_column_letter(i) for i, c in enumerate(criteria, 3) if _kind(c) == kind_]
               for kind_ in ("normal", CriterionKind.BONUS, CriterionKind.PENALTY)}  # fmt: skip
    for row in range(FIRST_ROW, last + 1):
        base, bonus, penalty, total = (f"{get_column_letter(first_total + i)}{row}" for i in range(4))
        ws[base] = _sum(letters["normal"], row)
        ws[bonus] = f"=MIN({_sum(letters[CriterionKind.BONUS], row)[1:]},{data.table.bonus_cap})"
        ws[penalty] = _sum(letters[CriterionKind.PENALTY], row)
        ws[total] = f"={base}+{bonus}+{penalty}"
    _style_scores(ws, criteria, first_total, last)


def _kind(criterion: Criterion) -> str:
    return criterion.kind if criterion.kind in (CriterionKind.BONUS, CriterionKind.PENALTY) else "normal"


def _sum(letters: list[str], row: int) -> str:
    return "=SUM(" + ",".join(f"{letter}{row}" for letter in letters) + ")" if letters else "=0"


def _bound(criterion: Criterion) -> Decimal:
    """The maximum shown in row 3: penalty items go down to minus their maximum."""
    return -criterion.max_points if criterion.kind == CriterionKind.PENALTY else criterion.max_points


def _style_scores(ws: Worksheet, criteria: list[Criterion], first_total: int, last: int) -> None:
    header = PatternFill("solid", fgColor="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in (1, 2, 3):
        for cell in ws[row]:
            cell.font = Font(bold=row == 1)
            cell.alignment = wrap
            if row == 1:
                cell.fill = header
    ws.row_dimensions[2].height = 90
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    for index, criterion in enumerate(criteria, start=3):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = 11
        low, high = (-criterion.max_points, 0) if criterion.kind == CriterionKind.PENALTY else (0, criterion.max_points)
        check = DataValidation(type="decimal", operator="between", formula1=str(low), formula2=str(high))
        check.allow_blank = True
        check.showErrorMessage = True
        check.errorTitle = "Điểm không hợp lệ"
        check.error = f"Tiêu chí {criterion.code}: điểm từ {low} đến {high}."
        ws.add_data_validation(check)
        if last >= FIRST_ROW:
            check.add(f"{letter}{FIRST_ROW}:{letter}{last}")
    for index in range(first_total, first_total + len(TOTAL_HEADERS)):
        ws.column_dimensions[get_column_letter(index)].width = 12
        for row in range(FIRST_ROW, last + 1):
            ws.cell(row=row, column=index).font = Font(bold=index == first_total + 3)
    ws.freeze_panes = f"C{FIRST_ROW}"


def _write_versions(ws: Worksheet, data: GridData, memberships: list, kind: str, bloc, year: int) -> None:
    """What the upload needs to tell the user's changes from other people's: hidden, not for editing."""
    ws.append([FORMAT_MARK, "Sheet này do phần mềm tạo để phát hiện ô bị người khác sửa; không sửa, không xóa."])
    ws.append(["bang", data.table.pk])
    ws.append(["khoi", bloc.pk])
    ws.append(["nam", year])
    ws.append(["gia_tri", kind])
    ws.append(["tai_ve_luc", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    ws.append(list(_VERSION_HEADER))
    for m in memberships:
        for c in data.criteria:
            ws.append([m.unit_id, c.pk, data.version(m.unit_id, c.pk, kind), data.value(m.unit_id, c.pk, kind)])
    ws.sheet_state = "hidden"


# --- Upload -----------------------------------------------------------------------------------


@dataclass
class UploadResult(ImportResult):
    """What an upload did: every problem (nothing written then), or the counts of what was written."""

    kind: str | None = None
    batch: BatchResult | None = None

    @property
    def conflicts(self) -> int:
        return self.batch.conflicts if self.batch else 0


@dataclass(frozen=True)
class _Location:
    row: int
    column: int
    code: str

    def describe(self, reason: str) -> str:
        return _('Sheet "%(sheet)s", dòng %(row)s, cột %(column)s (%(code)s): %(reason)s') % {
            "sheet": SHEET_SCORES,
            "row": self.row,
            "column": get_column_letter(self.column),
            "code": self.code,
            "reason": reason,
        }


def _problem(reason: str, row: int | None = None, sheet: str = SHEET_SCORES) -> str:
    if row is None:
        return _('Sheet "%(sheet)s": %(reason)s') % {"sheet": sheet, "reason": reason}
    return _('Sheet "%(sheet)s", dòng %(row)s: %(reason)s') % {"sheet": sheet, "row": row, "reason": reason}


def import_grid(*, data: bytes, grid: GridData, memberships: list, bloc, year: int, may_write, user) -> UploadResult:
    """Check the uploaded workbook against the bloc-year's grid and save it, all or nothing.

    `may_write(kind, unit_id)` says whether the user may write that kind of value for that unit.
    """
    problems: list[Problem] = []
    book = open_workbook(data, problems, "score")
    if book is None:
        return UploadResult(errors=[str(p) for p in problems])
    sheets = {search_key(ws.title): ws for ws in book.worksheets}
    scores_ws, versions_ws = sheets.get(search_key(SHEET_SCORES)), sheets.get(search_key(SHEET_VERSIONS))
    if scores_ws is None or versions_ws is None:
        missing = SHEET_SCORES if scores_ws is None else SHEET_VERSIONS
        return UploadResult(
            errors=[
                _(
                    'Tệp không có sheet "%(sheet)s": đây không phải tệp chấm điểm tải từ phần mềm. '
                    "Hãy tải tệp từ trang chấm điểm, điền điểm rồi tải lên lại."
                )
                % {"sheet": missing}
            ]
        )
    meta, versions, errors = _read_versions(versions_ws, grid, bloc, year)
    if errors:
        return UploadResult(errors=errors)
    kind = meta["gia_tri"]
    if not any(may_write(kind, m.unit_id) for m in memberships):
        label = KIND_LABELS[kind].lower()
        return UploadResult(kind=kind, errors=[_("Bạn không có quyền nhập %(kind)s của khối này.") % {"kind": label}])
    changes, locations, errors = _read_scores(scores_ws, grid, memberships, versions, kind, may_write)
    if errors:
        return UploadResult(kind=kind, errors=errors)
    try:
        batch = scores_save(table=grid.table, field=kind, changes=changes, user=user)
    except ValidationError as error:  # the year was closed meanwhile
        return UploadResult(kind=kind, errors=list(error.messages))
    if not batch.ok:
        order = sorted(batch.errors, key=lambda key: (locations[key].row, locations[key].column))
        return UploadResult(
            kind=kind, batch=batch, errors=[locations[key].describe(batch.errors[key].messages[0]) for key in order]
        )
    logger.info("Score grid uploaded for bloc %s, %s (%s): %s", bloc.pk, year, kind, batch)
    return UploadResult(kind=kind, batch=batch)


def _read_versions(ws: Worksheet, grid: GridData, bloc, year: int):
    """The file's identity (table, bloc, year, kind) and each cell's version and value at download."""
    wrong_file = _(
        'Sheet ẩn "%(sheet)s" không đúng: tệp không phải do phần mềm tạo hoặc đã bị sửa. '
        "Hãy tải tệp mới từ trang chấm điểm."
    ) % {"sheet": SHEET_VERSIONS}
    if ws.max_row > _MAX_VERSION_ROWS:
        return {}, {}, [wrong_file]
    rows = list(ws.iter_rows(values_only=True))
    meta = {str(r[0]): r[1] for r in rows[1:6] if r and r[0] is not None and len(r) > 1}
    if not rows or not rows[0] or rows[0][0] != FORMAT_MARK or meta.get("gia_tri") not in VALUE_FIELDS:
        return meta, {}, [wrong_file]
    if (meta.get("khoi"), meta.get("nam")) != (bloc.pk, year):
        return meta, {}, [_("Tệp này là bảng chấm điểm của khối hoặc năm khác, không nhập vào đây được.")]
    if meta.get("bang") != grid.table.pk:
        return meta, {}, [_("Bảng chấm điểm của năm đã được tạo lại sau khi tải tệp; hãy tải tệp mới rồi nhập lại.")]
    versions: dict[tuple[int, int], tuple[int, object]] = {}
    for row in rows[7:]:
        if not row or row[0] is None:
            continue
        try:
            versions[int(row[0]), int(row[1])] = (int(row[2]), row[3] if len(row) > 3 else None)
        except (TypeError, ValueError, IndexError):
            return meta, {}, [wrong_file]
    return meta, versions, []


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unquote(clean_text(str(value)))


def _read_scores(ws: Worksheet, grid: GridData, memberships: list, versions: dict, kind: str, may_write):
    """The changes the sheet asks for, where each cell is, and every problem found on the way."""
    errors: list[str] = []
    by_code = {c.code: c for c in grid.criteria}
    header = next(ws.iter_rows(min_row=1, max_row=1), ())
    if not header or search_key(_text(header[0].value)) != search_key(HEADER_CODE):
        reason = _('ô A1 phải là "%(header)s": không đổi cấu trúc của tệp tải về.') % {"header": HEADER_CODE}
        return [], {}, [_problem(reason, 1)]
    columns: dict[int, Criterion] = {}
    skipped = {search_key(h) for h in (HEADER_NAME, *TOTAL_HEADERS)}
    for cell in header[1:]:
        code = _text(cell.value)
        if not code or search_key(code) in skipped:
            continue
        criterion = by_code.get(code)
        letter = get_column_letter(cell.column)
        if criterion is None:
            reason = _('cột %(column)s: không có tiêu chí mã "%(code)s" trong bảng điểm của năm.')
            errors.append(_problem(reason % {"column": letter, "code": code}, 1))
        elif criterion in columns.values():
            reason = _('cột %(column)s: tiêu chí "%(code)s" xuất hiện hai lần.')
            errors.append(_problem(reason % {"column": letter, "code": code}, 1))
        else:
            columns[cell.column] = criterion
    if ws.max_row > _MAX_ROWS:
        errors.append(_problem(_("sheet có quá %(max)s dòng.") % {"max": _MAX_ROWS}))
        return [], {}, errors
    units = {m.unit.code: m.unit for m in memberships}
    seen: dict[int, int] = {}
    changes: list[CellChange] = []
    locations: dict[tuple[int, int], _Location] = {}
    for cells in ws.iter_rows(min_row=FIRST_ROW):
        row = cells[0].row
        code = _text(cells[0].value)
        used = [cells[index - 1] for index in columns if index - 1 < len(cells)]
        if not code:
            if any(_text(cell.value) for cell in used):
                errors.append(_problem(_("có điểm nhưng thiếu mã đơn vị ở cột A."), row))
            continue
        unit = units.get(code)
        if unit is None:
            reason = _('không có đơn vị mã "%(code)s" trong khối năm này.') % {"code": code}
            errors.append(_problem(reason, row))
            continue
        if unit.pk in seen:
            reason = _('đơn vị "%(code)s" đã có ở dòng %(row)s.') % {"code": code, "row": seen[unit.pk]}
            errors.append(_problem(reason, row))
            continue
        seen[unit.pk] = row
        for cell in used:
            criterion = columns[cell.column]
            where = _Location(row, cell.column, criterion.code)
            key = (unit.pk, criterion.pk)
            version, original = versions.get(key, (0, None))
            if cell.data_type == "f":
                errors.append(where.describe(_("ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức.")))
                continue
            number = isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
            raw = cell.value if number else _text(cell.value)
            change = CellChange(unit.pk, criterion.pk, raw, version, original, key in versions)
            if is_untouched(change):
                changes.append(change)  # counted as untouched, never written
                continue
            if not may_write(kind, unit.pk):
                reason = _("bạn không có quyền nhập điểm của đơn vị %(unit)s.") % {"unit": unit}
                errors.append(where.describe(reason))
                continue
            changes.append(change)
            locations[key] = where
    return changes, locations, errors
