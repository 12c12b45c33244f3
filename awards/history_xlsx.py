"""XLSX import and export of the units' award history (lịch sử khen thưởng), for the years before the app.

The consecutive-year conditions (two years for the provincial certificate, five for the Prime
Minister's) read `units.Award`; the years before the app come from paper and old spreadsheets, so
the board admin imports them once. Like the ratings workbook (blocs/ratings_xlsx.py): a fixed format
(sheet "Khen thuong", Vietnamese headers, which are a file format, not UI text), an export that
imports back unchanged, and an import checked whole before anything is written, written whole or not
at all, in a number of queries that does not grow with the rows (bulk reads, bulk writes in batches).

Import semantics (also on the page and in the "Huong dan" sheet):

* a row is a unit (by code), an award type (by code or name) and a year; the pair is unique;
* a new row creates an award (source: import); a row already imported is updated to the file's
  decision number, date and signer (a blank signer keeps the stored one); a row that matches an
  award written by a decision recorded in the app must carry that decision's number and date, and
  changes nothing;
* rows whose values are already stored are not saved, so importing a file twice changes nothing;
  an import never deletes an award.

`units.Award` has no signer column: the signer of an imported award is kept in its note, as
"Người ký: …"; the signer of an award written by a decision is the decision's.
"""

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from awards.models import AwardDecision
from awards.services_decisions import BATCH, tidy_number
from blocs.years import MAX_YEAR, MIN_YEAR
from units.models import Award, AwardSource, AwardType, Unit
from units.text import clean_text, search_key
from units.xlsx import (
    FILE_LANGUAGE,
    XLSX_CONTENT_TYPE,
    CellError,
    Column,
    Problem,
    Refused,
    Tally,
    YearImportResult,
    cell_text,
    columns_section,
    import_rules_notes,
    locate_columns,
    open_sheet,
    read_rows,
    refuse_formula,
    safe_cell,
    style_header,
    too_long,
    write_guide,
    write_or_refuse,
)
from units.xlsx import guide_columns as xlsx_guide_columns

__all__ = ["XLSX_CONTENT_TYPE", "build_template", "export_history", "guide_columns", "guide_notes", "history_import"]

SHEET_AWARDS = "Khen thuong"
SHEET_GUIDE = "Huong dan"
SHEET_LISTS = "Danh muc"
SIGNER_PREFIX = "Người ký: "
CODE, NAME, YEAR, AWARD, NUMBER, DATE, TEXT = "code", "name", "year", "award", "number", "date", "text"
DATE_FORMAT = "DD/MM/YYYY"
_DROPDOWN_ROWS = 1000
NUMBER_MAX = Award._meta.get_field("decision_number").max_length
SIGNER_MAX = Award._meta.get_field("note").max_length - len(SIGNER_PREFIX)

_key = functools.lru_cache(maxsize=8192)(search_key)  # names and award types repeat on thousands of rows

_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(?:[a-z ,]*\s)?ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})$")  # "…, ngày 28 tháng 12 năm 2022"


COLUMNS = (
    Column("Mã đơn vị", "unit", CODE, required=True, width=16,
           help=gettext_lazy("Mã của một đơn vị đã có trong phần mềm (xem trang Đơn vị).")),
    Column("Tên đơn vị", "unit_name", NAME, width=42,
           help=gettext_lazy("Để đối chiếu với mã: nếu ghi thì phải là tên hoặc tên viết tắt của đơn vị mang mã đó "
                             "(không phân biệt dấu, chữ hoa, chữ thường). Để trống: không đối chiếu.")),
    Column("Năm", "year", YEAR, required=True, width=8,
           help=gettext_lazy("Năm thành tích được khen thưởng, ví dụ: 2021.")),
    Column("Hình thức khen thưởng", "award_type", AWARD, required=True, width=40,
           help=gettext_lazy("Mã (ví dụ: bk-chu-tich-tinh) hoặc tên đầy đủ của danh hiệu, hình thức khen thưởng.")),
    Column("Số quyết định", "decision_number", NUMBER, required=True, width=20,
           help=gettext_lazy("Ví dụ: 125/QĐ-UBND. Số theo cách đánh số cũ được giữ nguyên như trong tệp.")),
    Column("Ngày quyết định", "decision_date", DATE, required=True, width=16,
           help=gettext_lazy("Ngày/tháng/năm, ví dụ 28/12/2022 (hoặc ô kiểu ngày của Excel). Không sau hôm nay, "
                             "không trước năm thành tích.")),
    Column("Người ký", "signer", TEXT, width=30,
           help=gettext_lazy("Không bắt buộc. Để trống: giữ nguyên người ký đã ghi.")),
)  # fmt: skip
_BY_FIELD = {c.field: c for c in COLUMNS}


def guide_notes() -> list[str]:
    """The rules of an import, worded for users: the page and the "Huong dan" sheet show the same."""
    return [
        _('Sheet "%(sheet)s": dòng đầu là tiêu đề cột, mỗi dòng sau là một hình thức khen thưởng một đơn vị đã '
          "nhận cho thành tích của một năm. Không đổi tên sheet, tên cột; thứ tự cột không quan trọng.")
        % {"sheet": SHEET_AWARDS},
        _("Dùng để nhập lịch sử khen thưởng các năm trước khi dùng phần mềm: các điều kiện nhiều năm liên tục "
          "(2 năm, 5 năm) của các năm sau đọc lịch sử này."),
        _("Đơn vị được nhận ra theo mã; tệp không thêm đơn vị mới. Cột tên đơn vị dùng để đối chiếu: nếu ghi "
          "thì phải khớp với tên hoặc tên viết tắt của đơn vị mang mã đó."),
        _("Mỗi đơn vị, mỗi hình thức, mỗi năm chỉ ghi một dòng."),
        _("Khen thưởng đã nhập trước đây được cập nhật theo tệp (số, ngày quyết định, người ký); khen thưởng ghi "
          "từ một quyết định đã vào phần mềm thì giữ nguyên: dòng của nó phải ghi đúng số và ngày của quyết định "
          "đó. Nhập tệp không bao giờ xóa khen thưởng."),
        _("Ô người ký để trống: giữ nguyên người ký đã ghi."),
        *import_rules_notes(),
    ]  # fmt: skip


def guide_columns() -> list[dict]:
    return xlsx_guide_columns(COLUMNS)


# --- Writing workbooks ------------------------------------------------------------------------


def build_template() -> bytes:
    """An empty workbook in the import format, with a drop-down of the award types."""
    with translation.override(FILE_LANGUAGE):
        return _workbook([])


def export_history(year: int | None = None) -> bytes:
    """Every unit's awards (of `year`, or all), newest year first, then award type, units in Vietnamese
    order; the file imports back unchanged. Three queries whatever the size."""
    awards = Award.objects.select_related("unit", "award_type").order_by(
        "-year", "award_type__order", "award_type__name", "unit__sort_key", "unit__pk"
    )
    if year is not None:
        awards = awards.filter(year=year)
    awards = list(awards)
    signers = _decision_signers({a.decision_number for a in awards if a.source == AwardSource.DECISION})
    rows = [
        [
            a.unit.code,
            a.unit.name,
            a.year,
            a.award_type.name,
            a.decision_number,
            a.decision_date,
            signers.get((a.decision_number, a.decision_date), "")
            if a.source == AwardSource.DECISION
            else signer_of(a.note),
        ]
        for a in awards
    ]
    with translation.override(FILE_LANGUAGE):
        return _workbook(rows)


def signer_of(note: str) -> str:
    """The signer kept in an imported award's note ("Người ký: …"), or ""."""
    return note[len(SIGNER_PREFIX) :].strip() if note.startswith(SIGNER_PREFIX) else ""


def _decision_signers(numbers: set[str]) -> dict[tuple[str, date], str]:
    if not numbers:
        return {}
    return {
        (number, day): signer
        for number, day, signer in AwardDecision.objects.filter(number__in=numbers).values_list(
            "number", "date", "signer"
        )
    }


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    guide = book.active
    guide.title = SHEET_GUIDE
    ws = book.create_sheet(SHEET_AWARDS)
    lists = book.create_sheet(SHEET_LISTS)
    ws.append([c.header for c in COLUMNS])
    date_column = COLUMNS.index(_BY_FIELD["decision_date"]) + 1
    for index, row in enumerate(rows, start=2):
        ws.append([safe_cell(value) if value not in ("", None) else None for value in row])
        ws.cell(row=index, column=date_column).number_format = DATE_FORMAT
    style_header(ws, COLUMNS)
    types = list(AwardType.objects.order_by("order", "name").values_list("code", "name"))
    names = [name for _code, name in types]
    lists.cell(row=1, column=1, value=_BY_FIELD["award_type"].header).font = Font(bold=True)
    for index, name in enumerate(names, start=2):
        lists.cell(row=index, column=1, value=name)
    lists.column_dimensions["A"].width = 50
    lists.sheet_state = "hidden"
    letter = get_column_letter(COLUMNS.index(_BY_FIELD["award_type"]) + 1)
    check = DataValidation(
        type="list", formula1=f"'{SHEET_LISTS}'!$A$2:$A${len(names) + 1}", allow_blank=True, showErrorMessage=False
    )
    ws.add_data_validation(check)
    check.add(f"{letter}2:{letter}{max(len(rows) + 1 + _DROPDOWN_ROWS // 5, _DROPDOWN_ROWS)}")
    _write_guide(guide, types)
    book.active = 1
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _write_guide(ws, award_types: list[tuple[str, str]]) -> None:
    write_guide(
        ws,
        title=_("Hướng dẫn nhập lịch sử khen thưởng của các đơn vị"),
        notes=guide_notes(),
        sections=[
            columns_section(COLUMNS),
            ([_("Hình thức khen thưởng"), _("Mã ghi trong tệp")], [[name, code] for code, name in award_types]),
        ],
        widths=(40, 90, 60),
    )


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    """One row of the sheet, each cell checked on its own (references are resolved later). A cell that
    failed its check is None and the row is not `complete`: its good references are still checked, so
    that one pass reports every problem, but it is never written."""

    row: int
    unit_code: str | None
    unit_name: str
    year: int | None
    award: str | None
    number: str | None
    day: date | None
    signer: str
    complete: bool = True


def _convert(column: Column, cell) -> object:
    """The cell's value for the field; None for a blank cell. Raises CellError with the reason."""
    refuse_formula(cell)
    raw = None if cell is None else cell.value
    if column.kind == DATE and isinstance(raw, datetime | date):
        return raw.date() if isinstance(raw, datetime) else raw
    text = clean_text(cell_text(raw))
    if not text:
        if column.required:
            raise CellError(_("thiếu giá trị (cột bắt buộc)."))
        return None
    if column.kind == YEAR:
        return _year(raw, text)
    if column.kind == DATE:
        return _date(raw, text)
    if column.kind == NUMBER:
        number = tidy_number(text)
        too_long(number, NUMBER_MAX)
        return number
    if column.kind == TEXT:
        too_long(text, SIGNER_MAX)
    return text


def _year(raw: object, text: str) -> int:
    message = _("«%(value)s» không phải là một năm.") % {"value": text}
    if isinstance(raw, bool):
        raise CellError(message)
    if isinstance(raw, float) and not raw.is_integer():
        raise CellError(message)
    if isinstance(raw, int | float):
        year = int(raw)
    elif text.isdigit():
        year = int(text)
    else:
        raise CellError(message)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellError(_("năm %(year)s phải trong khoảng %(min)s–%(max)s.") % {
            "year": year, "min": MIN_YEAR, "max": MAX_YEAR})  # fmt: skip
    return year


def _date(raw: object, text: str) -> date:
    """A date written day first (28/12/2022, 28-12-2022, 28.12.2022), ISO (2022-12-28) or in words
    ("ngày 28 tháng 12 năm 2022"). A bare number is refused: it is most likely a date Excel no longer
    shows as one, and guessing would be worse than asking."""
    parts = None
    if match := _DMY.match(text):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    elif match := _ISO.match(text):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _WORDS.match(search_key(text)):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    if parts is None:
        raise CellError(
            _("«%(value)s» không phải là ngày; ghi theo dạng ngày/tháng/năm, ví dụ 28/12/2022.") % {"value": text}
        )
    try:
        return date(*parts)
    except ValueError:
        raise CellError(_("ngày «%(value)s» không có trên lịch.") % {"value": text}) from None


def parse_workbook(data: bytes) -> tuple[list[ParsedRow], list[Problem]]:
    """Read and check every cell of the file on its own; nothing is read from the database or written."""
    errors: list[Problem] = []
    ws = open_sheet(data, SHEET_AWARDS, errors, "award history")
    if ws is None:
        return [], errors
    positions = locate_columns(ws, COLUMNS, errors)
    if positions is None:
        return [], errors
    today = timezone.localdate()
    rows: list[ParsedRow] = []
    for row, values, complete in read_rows(ws, positions, _convert, errors):
        day, year = values.get("decision_date"), values.get("year")
        reason = ""
        if day is not None and day > today:
            reason = _("ngày quyết định %(date)s sau hôm nay.") % {"date": f"{day:%d/%m/%Y}"}
        elif day is not None and year is not None and day.year < year:
            reason = _("ngày quyết định %(date)s trước năm thành tích %(year)s.") % {
                "date": f"{day:%d/%m/%Y}", "year": year}  # fmt: skip
        if reason:
            errors.append(Problem(reason, ws.title, row, _BY_FIELD["decision_date"].header))
            complete = False
        rows.append(
            ParsedRow(
                row=row,
                unit_code=values.get("unit"),
                unit_name=values.get("unit_name") or "",
                year=year,
                award=values.get("award_type"),
                number=values.get("decision_number"),
                day=day,
                signer=values.get("signer") or "",
                complete=complete,
            )
        )
    if not rows and not errors:
        errors.append(Problem(_("Tệp không có dòng dữ liệu nào để nhập."), ws.title))
    return rows, errors


# --- Resolving references (two queries) ---------------------------------------------------------


@dataclass(frozen=True)
class UnitRef:
    pk: int
    code: str
    name: str
    keys: frozenset[str]  # search keys of the name and the short name


def _units_by_code(codes: set[str]) -> dict[str, UnitRef]:
    """Units by code, exact or (when no unit has the exact code) ignoring case: one query."""
    lowered = {c.lower() for c in codes}
    refs = [
        UnitRef(pk, code, name, frozenset({search_key(name), search_key(short)} - {""}))
        for pk, code, name, short in Unit.objects.values_list("pk", "code", "name", "short_name")
        if code.lower() in lowered
    ]
    by_code = {r.code: r for r in refs}
    by_lower: dict[str, list[UnitRef]] = {}
    for r in refs:
        by_lower.setdefault(r.code.lower(), []).append(r)
    for code in codes:
        if code not in by_code and len(by_lower.get(code.lower(), ())) == 1:
            by_code[code] = by_lower[code.lower()][0]
    return by_code


def _award_types() -> tuple[dict[str, AwardType], list[AwardType]]:
    """Award types by the search key of their code, name and short name (one query)."""
    types = list(AwardType.objects.order_by("order", "name"))
    lookup: dict[str, AwardType] = {}
    for award_type in types:
        for label in ("code", "name", "short_name"):
            value = getattr(award_type, label)
            if value:
                lookup.setdefault(search_key(value), award_type)
    return lookup, types


# --- Importing --------------------------------------------------------------------------------


def history_import(*, data: bytes, user=None) -> YearImportResult:
    """Check the whole file, then write it, or write nothing and say why."""
    rows, problems = parse_workbook(data)
    if problems and not rows:
        return YearImportResult(errors=[str(p) for p in problems])
    return write_or_refuse(lambda: _write(rows, problems, user), what="Award history", race_message=_race_message)


def _race_message(_exc) -> str:
    return _(
        "Không nhập được: lịch sử khen thưởng vừa bị người khác thay đổi cùng lúc. Chưa có gì được ghi; "
        "hãy nhập lại tệp."
    )


def _refused(problems: list[Problem]) -> Refused:
    """Every problem of the file, in the order of its rows and columns."""
    return Refused(sorted(problems, key=lambda p: (p.row or 0, _column_order(p.column))))


def _column_order(header: str) -> int:
    return next((i for i, c in enumerate(COLUMNS) if c.header == header), -1)


@dataclass
class _Resolved:
    parsed: ParsedRow
    unit: UnitRef
    award_type: AwardType

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.unit.pk, self.award_type.pk, self.parsed.year)


def _resolve(rows: list[ParsedRow]) -> tuple[list[_Resolved], list[Problem]]:
    units = _units_by_code({r.unit_code for r in rows if r.unit_code})
    lookup, types = _award_types()
    problems: list[Problem] = []
    resolved: list[_Resolved] = []
    seen: dict[tuple[int, int, int], int] = {}
    known = "; ".join(f"{t.code} ({t.name})" for t in types)
    for r in rows:
        unit = units.get(r.unit_code) if r.unit_code else None
        award_type = lookup.get(_key(r.award)) if r.award else None
        if r.unit_code and unit is None:
            reason = _("không có đơn vị mã «%(code)s» trong phần mềm.") % {"code": r.unit_code}
            problems.append(Problem(reason, SHEET_AWARDS, r.row, _BY_FIELD["unit"].header))
        elif unit is not None and r.unit_name and _key(r.unit_name) not in unit.keys:
            reason = _("«%(name)s» không phải là tên của đơn vị mã «%(code)s» (%(actual)s); hãy kiểm tra lại mã.") % {
                "name": r.unit_name, "code": unit.code, "actual": unit.name}  # fmt: skip
            problems.append(Problem(reason, SHEET_AWARDS, r.row, _BY_FIELD["unit_name"].header))
        if r.award and award_type is None:
            reason = _("«%(value)s» không phải là hình thức khen thưởng có trong phần mềm. Ghi mã hoặc tên: %(known)s.")
            problems.append(
                Problem(
                    reason % {"value": r.award, "known": known}, SHEET_AWARDS, r.row, _BY_FIELD["award_type"].header
                )
            )
        if not r.complete or (problems and problems[-1].row == r.row):
            continue
        item = _Resolved(r, unit, award_type)
        if item.key in seen:
            reason = _("%(unit)s — «%(award)s» năm %(year)s đã có ở dòng %(row)s.") % {
                "unit": unit.name, "award": award_type.name, "year": r.year, "row": seen[item.key]}  # fmt: skip
            problems.append(Problem(reason, SHEET_AWARDS, r.row, _BY_FIELD["award_type"].header))
            continue
        seen[item.key] = r.row
        resolved.append(item)
    return resolved, problems


def _write(rows: list[ParsedRow], cell_problems: list[Problem], user) -> YearImportResult:
    """Resolve the rows whose cells are good (so that one pass reports every problem of the file), then
    write them if there is no problem at all."""
    resolved, problems = _resolve(rows)
    if cell_problems or problems:
        raise _refused(cell_problems + problems)
    existing = {
        (a.unit_id, a.award_type_id, a.year): a
        for a in Award.objects.select_for_update().filter(
            unit_id__in={item.unit.pk for item in resolved}, year__in={item.parsed.year for item in resolved}
        )
    }
    problems: list[Problem] = []
    to_create: list[Award] = []
    to_update: list[Award] = []
    result = YearImportResult()
    for item in resolved:
        r = item.parsed
        tally = result.years.setdefault(r.year, Tally())
        current = existing.get(item.key)
        if current is None:
            to_create.append(
                Award(
                    unit_id=item.unit.pk,
                    award_type_id=item.award_type.pk,
                    year=r.year,
                    decision_number=r.number,
                    decision_date=r.day,
                    source=AwardSource.IMPORT,
                    note=SIGNER_PREFIX + r.signer if r.signer else "",
                )
            )
            tally.created += 1
            continue
        if current.source == AwardSource.DECISION:
            if (current.decision_number, current.decision_date) != (r.number, r.day):
                reason = _(
                    "%(unit)s đã được khen thưởng «%(award)s» năm %(year)s theo quyết định số %(number)s ngày "
                    "%(date)s ghi trong phần mềm; dòng này ghi số %(file_number)s ngày %(file_date)s. Khen thưởng "
                    "ghi từ quyết định không sửa được bằng tệp nhập."
                ) % {
                    "unit": item.unit.name, "award": item.award_type.name, "year": r.year,
                    "number": current.decision_number,
                    "date": f"{current.decision_date:%d/%m/%Y}" if current.decision_date else "—",
                    "file_number": r.number, "file_date": f"{r.day:%d/%m/%Y}",
                }  # fmt: skip
                problems.append(Problem(reason, SHEET_AWARDS, r.row, _BY_FIELD["decision_number"].header))
            else:
                tally.unchanged += 1
            continue
        note = SIGNER_PREFIX + r.signer if r.signer else current.note
        if (current.decision_number, current.decision_date, current.note) == (r.number, r.day, note):
            tally.unchanged += 1
            continue
        current.decision_number, current.decision_date, current.note = r.number, r.day, note
        to_update.append(current)
        tally.updated += 1
    if problems:
        raise _refused(problems)
    reason = _("Nhập từ tệp Excel")
    bulk_create_with_history(to_create, Award, batch_size=BATCH, default_user=user, default_change_reason=reason)
    if to_update:
        bulk_update_with_history(
            to_update,
            Award,
            ["decision_number", "decision_date", "note"],
            batch_size=BATCH,
            default_user=user,
            default_change_reason=reason,
        )
    return result
