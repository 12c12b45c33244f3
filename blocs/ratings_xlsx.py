"""XLSX import and export of the units' task-completion ratings (xếp loại), for any years.

Earlier years' ratings come from paper and old spreadsheets: the board imports them once, so that
award checks can look back. The file format is fixed (sheet "Xep loai", Vietnamese headers, which
are a file format, not UI text); an export imports back unchanged; an import is checked whole
before anything is written, and writes everything or nothing.

Import semantics (also on the page and in the "Huong dan" sheet):

* a row is a unit (by code) and a year; its rating is created or updated, never deleted;
* a blank count or note cell keeps the value already stored (a new rating: empty);
* rows whose values are already stored are not saved, so importing a file twice changes nothing;
* a row that would change the rating of a unit whose bloc has closed that year is refused.
"""

import functools
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from blocs.models import BlocYear, Membership
from blocs.services_ratings import STAFF_FIELDS, RatingInput, rating_write, staff_count_errors
from blocs.services_year import ensure_year_open
from blocs.years import MAX_YEAR, MIN_YEAR
from units.models import AnnualRating, Rating, Unit
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

__all__ = ["XLSX_CONTENT_TYPE", "build_template", "export_ratings", "guide_notes", "ratings_import"]

SHEET_RATINGS = "Xep loai"
SHEET_GUIDE = "Huong dan"
YEAR, CODE, HELPER, RATING, COUNT, TEXT = "year", "code", "helper", "rating", "count", "text"
_DROPDOWN_ROWS = 1000
NOTE_MAX = AnnualRating._meta.get_field("note").max_length


COLUMNS = (
    Column("Năm", "year", YEAR, required=True, width=8,
           help=gettext_lazy("Năm của xếp loại, ví dụ: 2023.")),
    Column("Mã đơn vị", "unit", CODE, required=True, width=16,
           help=gettext_lazy("Mã của một đơn vị đã có trong phần mềm (xem trang Đơn vị).")),
    Column("Tên đơn vị", "", HELPER, width=42, help=gettext_lazy("Chỉ để đọc cho dễ; bỏ qua khi nhập.")),
    Column("Xếp loại", "rating", RATING, required=True, width=14,
           help=gettext_lazy("Ghi mã (HTXSNV, HTTNV, HTNV, KHTNV) hoặc tên đầy đủ.")),
    Column("Tổng số người", "staff_total", COUNT, width=14,
           help=gettext_lazy("Tổng số cán bộ, công chức, viên chức, người lao động.")),
    Column("Số hoàn thành nhiệm vụ", "staff_completed", COUNT, width=16,
           help=gettext_lazy("Không lớn hơn tổng số người.")),
    Column("Số Lao động tiên tiến", "staff_advanced", COUNT, width=16,
           help=gettext_lazy("Không lớn hơn tổng số người.")),
    Column("Số Chiến sĩ thi đua cơ sở", "staff_emulation_fighters", COUNT, width=18,
           help=gettext_lazy("Không lớn hơn số Lao động tiên tiến.")),
    Column("Ghi chú", "note", TEXT, width=40),
)  # fmt: skip
_BY_FIELD = {c.field: c for c in COLUMNS if c.field}


def guide_notes() -> list[str]:
    """The rules of an import, worded for users: the page and the "Huong dan" sheet show the same."""
    return [
        _('Sheet "%(sheet)s": dòng đầu là tiêu đề cột, mỗi dòng sau là xếp loại của một đơn vị trong một năm. '
          "Không đổi tên sheet, tên cột; thứ tự cột không quan trọng.") % {"sheet": SHEET_RATINGS},
        _("Một tệp có thể gồm nhiều năm. Đơn vị được nhận ra theo mã; tệp không thêm đơn vị mới."),
        _("Xếp loại đã có thì được cập nhật theo tệp, chưa có thì thêm mới; nhập tệp không bao giờ xóa xếp loại."),
        _("Ô số người hoặc ghi chú để trống: giữ nguyên giá trị đang có trong phần mềm."),
        _("Số người là số nguyên không âm; số hoàn thành nhiệm vụ và số Lao động tiên tiến không lớn hơn "
          "tổng số người; số Chiến sĩ thi đua cơ sở không lớn hơn số Lao động tiên tiến."),
        _("Xếp loại của đơn vị thuộc một khối đã khóa sổ năm đó chỉ xem, không sửa được: dòng làm thay đổi "
          "xếp loại ấy bị từ chối (dòng giống hệt dữ liệu đang có thì không sao)."),
        *import_rules_notes(),
    ]  # fmt: skip


def guide_columns() -> list[dict]:
    return xlsx_guide_columns(COLUMNS)


# --- Writing workbooks ------------------------------------------------------------------------


def build_template() -> bytes:
    """An empty workbook in the import format, with a drop-down of ratings."""
    with translation.override(FILE_LANGUAGE):
        return _workbook([])


def export_ratings(year: int | None = None) -> bytes:
    """The ratings of `year` (None: every year), newest year first, units in Vietnamese order."""
    ratings = AnnualRating.objects.select_related("unit").order_by("-year", "unit__sort_key", "unit__pk")
    if year is not None:
        ratings = ratings.filter(year=year)
    rows = [
        [r.year, r.unit.code, r.unit.name, r.rating, *(getattr(r, name) for name in STAFF_FIELDS), r.note]
        for r in ratings
    ]
    with translation.override(FILE_LANGUAGE):
        return _workbook(rows)


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    guide = book.active
    guide.title = SHEET_GUIDE
    ws = book.create_sheet(SHEET_RATINGS)
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append([safe_cell(value) if value not in ("", None) else None for value in row])
    style_header(ws, COLUMNS)
    letter = get_column_letter(COLUMNS.index(_BY_FIELD["rating"]) + 1)
    check = DataValidation(type="list", formula1=f'"{",".join(Rating.values)}"', allow_blank=True)
    check.errorTitle = _("Giá trị không hợp lệ")
    check.error = _("Hãy chọn một giá trị trong danh sách.")
    ws.add_data_validation(check)
    check.add(f"{letter}2:{letter}{max(len(rows) + 1 + _DROPDOWN_ROWS // 5, _DROPDOWN_ROWS)}")
    _write_guide(guide)
    book.active = 1
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _write_guide(ws) -> None:
    write_guide(
        ws,
        title=_("Hướng dẫn nhập xếp loại mức độ hoàn thành nhiệm vụ của các đơn vị"),
        notes=guide_notes(),
        sections=[
            ([_("Xếp loại"), _("Mã ghi trong tệp")], [[str(label), value] for value, label in Rating.choices]),
            columns_section(COLUMNS),
        ],
        widths=(34, 90, 60),
    )


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    year: int
    code: str
    values: dict[str, object]  # rating always; counts and note only where the cell is not blank


@functools.cache
def _rating_lookup(language: str | None) -> dict[str, str]:
    lookup = {}
    for lang in (FILE_LANGUAGE, language):
        with translation.override(lang):
            lookup.update({search_key(str(label)): value for value, label in Rating.choices})
    lookup.update({search_key(value): value for value in Rating.values})
    return lookup


def _convert(column: Column, cell) -> object:
    """The cell's value for the field; None for a blank cell. Raises CellError with the reason."""
    refuse_formula(cell)
    raw = None if cell is None else cell.value
    text = clean_text(cell_text(raw))
    if not text:
        if column.required:
            raise CellError(_("thiếu giá trị (cột bắt buộc)."))
        return None
    if column.kind == YEAR:
        year = _integer(raw, text, _("năm «%(value)s» không phải là một năm."))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CellError(_("năm %(year)s phải trong khoảng %(min)s–%(max)s.") % {
                "year": year, "min": MIN_YEAR, "max": MAX_YEAR})  # fmt: skip
        return year
    if column.kind == COUNT:
        number = _integer(raw, text, _("«%(value)s» không phải là số nguyên."))
        if number < 0:
            raise CellError(_("số người không được âm (%(value)s).") % {"value": number})
        return number
    if column.kind == RATING:
        value = _rating_lookup(translation.get_language()).get(search_key(text))
        if value is None:
            allowed = "; ".join(f"{v} ({label})" for v, label in Rating.choices)
            raise CellError(_("«%(value)s» không phải là xếp loại. Ghi một trong: %(allowed)s.") % {
                "value": text, "allowed": allowed})  # fmt: skip
        return value
    too_long(text, NOTE_MAX)
    return text


def _integer(raw: object, text: str, message: str) -> int:
    if isinstance(raw, bool):
        raise CellError(message % {"value": text})
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise CellError(message % {"value": text})
    candidate = text.replace(" ", "")
    if candidate.lstrip("-").isdigit():
        return int(candidate)
    raise CellError(message % {"value": text})


def parse_workbook(data: bytes) -> tuple[list[ParsedRow], list[Problem]]:
    """Read and check the cells of the file (codes, years, ratings, counts); nothing is written."""
    errors: list[Problem] = []
    ws = open_sheet(data, SHEET_RATINGS, errors, "ratings")
    if ws is None:
        return [], errors
    positions = locate_columns(ws, COLUMNS, errors)
    if positions is None:
        return [], errors
    rows: list[ParsedRow] = []
    seen: dict[tuple[int, str], int] = {}
    for row, values, complete in read_rows(ws, positions, _convert, errors):
        if not complete:
            continue
        year, code = values.pop("year"), values.pop("unit")
        if (year, code) in seen:
            reason = _("đơn vị «%(code)s» năm %(year)s đã có ở dòng %(row)s.") % {
                "code": code, "year": year, "row": seen[year, code]}  # fmt: skip
            errors.append(Problem(reason, ws.title, row, _BY_FIELD["unit"].header))
            continue
        seen[year, code] = row
        rows.append(ParsedRow(row, year, code, values))
    if not rows and not errors:
        errors.append(Problem(_("Tệp không có dòng dữ liệu nào để nhập."), ws.title))
    return rows, errors


# --- Importing --------------------------------------------------------------------------------


def ratings_import(*, data: bytes, user=None) -> YearImportResult:
    """Check the whole file, then write it, or write nothing and say why."""
    rows, problems = parse_workbook(data)
    if problems:
        return YearImportResult(errors=[str(p) for p in problems])
    return write_or_refuse(lambda: _write(rows, user), what="Ratings", race_message=_race_message)


def _race_message(_exc) -> str:
    return _("Không nhập được: dữ liệu vừa bị người khác thay đổi cùng lúc. Chưa có gì được ghi; hãy nhập lại tệp.")


def _write(rows: list[ParsedRow], user) -> YearImportResult:
    units = {u.code: u for u in Unit.objects.filter(code__in={r.code for r in rows})}
    problems: list[Problem] = []
    for r in rows:
        if r.code not in units:
            reason = _("không có đơn vị mã «%(code)s» trong phần mềm.") % {"code": r.code}
            problems.append(Problem(reason, SHEET_RATINGS, r.row, _BY_FIELD["unit"].header))
    known = [r for r in rows if r.code in units]
    existing = {
        (a.unit_id, a.year): a
        for a in AnnualRating.objects.select_for_update().filter(
            unit_id__in=[u.pk for u in units.values()], year__in={r.year for r in known}
        )
    }
    changes: list[tuple[ParsedRow, AnnualRating | None, RatingInput]] = []
    for r in known:
        unit = units[r.code]
        current = existing.get((unit.pk, r.year))
        merged = RatingInput(unit_id=unit.pk, version=None, **_merge(current, r.values))
        count_errors = staff_count_errors(merged.values())
        for name, message in count_errors.items():
            problems.append(Problem(message, SHEET_RATINGS, r.row, _BY_FIELD[name].header))
        if not count_errors and _differs(current, merged):
            changes.append((r, current, merged))
    problems += _closed_years(changes)
    if problems:
        raise Refused(sorted(problems, key=lambda p: p.row or 0))
    _lock_open_years(changes)
    result = YearImportResult()
    for r in known:
        result.years.setdefault(r.year, Tally())
    changed_rows = {id(r) for r, _current, _merged in changes}
    for r in known:
        if id(r) not in changed_rows:
            result.years[r.year].unchanged += 1
    reason = _("Nhập từ tệp Excel")
    for r, current, merged in changes:
        outcome = rating_write(current=current, unit_id=merged.unit_id, year=r.year, row=merged, user=user,
                               reason=reason)  # fmt: skip
        tally = result.years[r.year]
        setattr(tally, outcome, getattr(tally, outcome) + 1)
    return result


def _merge(current: AnnualRating | None, values: dict[str, object]) -> dict[str, object]:
    """The file's values over the stored ones: a blank cell keeps what is stored."""
    merged = {name: getattr(current, name) if current else None for name in STAFF_FIELDS}
    merged["note"] = current.note if current else ""
    merged.update(values)
    return merged


def _differs(current: AnnualRating | None, merged: RatingInput) -> bool:
    if current is None:
        return True
    return any(getattr(current, name) != value for name, value in merged.values().items() if name != "note") or (
        clean_text(current.note) != clean_text(merged.note)
    )


def _closed_years(changes) -> list[Problem]:
    """Rows that would change a rating of a bloc-year already closed (read-only)."""
    if not changes:
        return []
    pairs = {(merged.unit_id, r.year) for r, _current, merged in changes}
    memberships = Membership.objects.filter(
        unit_id__in={u for u, _y in pairs}, year__in={y for _u, y in pairs}
    ).values_list("unit_id", "year", "bloc_id", "bloc__name")
    bloc_of = {(u, y): (b, name) for u, y, b, name in memberships if (u, y) in pairs}
    closed = set(
        BlocYear.objects.closed()
        .filter(bloc_id__in={b for b, _n in bloc_of.values()}, year__in={y for _u, y in pairs})
        .values_list("bloc_id", "year")
    )
    problems = []
    for r, _current, merged in changes:
        bloc = bloc_of.get((merged.unit_id, r.year))
        if bloc and (bloc[0], r.year) in closed:
            reason = _(
                "đơn vị thuộc khối «%(bloc)s», năm %(year)s đã khóa sổ: xếp loại chỉ xem, không sửa được. "
                "Ban Thi đua - Khen thưởng mở lại năm của khối nếu cần sửa."
            ) % {"bloc": bloc[1], "year": r.year}
            problems.append(Problem(reason, SHEET_RATINGS, r.row))
    return problems


def _lock_open_years(changes) -> None:
    """Lock the bloc-years the import writes into (and refuse if one closed since the check)."""
    pairs = {(merged.unit_id, r.year) for r, _current, merged in changes}
    if not pairs:
        return
    bloc_years = set(
        Membership.objects.filter(unit_id__in={u for u, _y in pairs}, year__in={y for _u, y in pairs}).values_list(
            "unit_id", "year", "bloc_id"
        )
    )
    for bloc_id, year in sorted({(b, y) for u, y, b in bloc_years if (u, y) in pairs}):
        try:
            ensure_year_open(bloc=bloc_id, year=year)
        except ValidationError as exc:
            raise Refused(list(exc.messages)) from None
