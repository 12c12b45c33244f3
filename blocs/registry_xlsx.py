"""XLSX import and export of the registry: units, blocs, and each year's memberships with roles.

The workbook is the board's working copy of the registry: export it, fix it in Excel, import it
back. So the format is fixed (the sheet names and headers below are a file format, not UI text,
and stay Vietnamese whatever the user's language), an export imports back unchanged, and an
import writes the whole file or nothing.

Import semantics, also told to users on the page and in the "Huong dan" sheet:

* units and blocs are matched by code and upserted; an import never deletes a unit or a bloc;
* for each "Thanh vien <year>" sheet, the memberships of that year of every bloc named in the
  sheet are replaced by the sheet's rows; blocs not named in the sheet are left as they are;
* only rows whose values differ are saved, so re-importing a file adds no history records.
"""

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from blocs.models import (
    MEMBERSHIP_ONE_DEPUTY,
    MEMBERSHIP_ONE_HEAD,
    MEMBERSHIP_UNIT_YEAR,
    Bloc,
    BlocKind,
    MemberRole,
    Membership,
)
from blocs.years import MAX_YEAR, MIN_YEAR, default_year
from units import xlsx
from units.models import Unit, UnitKind
from units.text import clean_text, nfc, search_key
from units.xlsx import (
    FILE_LANGUAGE,
    MAX_ROWS,
    CellError,
    Problem,
    cell_text,
    import_rules_notes,
    locate_columns,
    open_workbook,
    read_rows,
    refuse_formula,
    safe_cell,
    style_header,
    too_long,
    write_or_refuse,
)

SHEET_GUIDE = "Huong dan"
SHEET_UNITS = "Don vi"
SHEET_BLOCS = "Khoi"
SHEET_LISTS = "Danh muc"
MEMBER_SHEET_PREFIX = "Thanh vien"
YES, NO = "Có", "Không"

_MEMBER_TITLE = re.compile(r"thanh[\s_-]*vien[\s_-]*(\d{4})")
_DROPDOWN_ROWS = 1000
_ROLE_ORDER = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}
_TRUE = {"co", "x", "true", "1", "yes", "dang hoat dong"}
_FALSE = {"khong", "false", "0", "no", "ngung hoat dong"}

TEXT, MULTILINE, CODE, CHOICE, FLAG, HELPER = "text", "multiline", "code", "choice", "flag", "helper"


# --- The format -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header in the file, the field it fills, and how to read it."""

    header: str
    field: str = ""
    kind: str = TEXT
    required: bool = False
    width: int = 24
    choices: type[models.TextChoices] | None = None
    default: str | None = None
    source: tuple[type[models.Model], str] | None = None
    help: str | Promise = ""


@dataclass(frozen=True)
class SheetSpec:
    title: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    purpose: str | Promise = ""

    def max_length(self, column: Column) -> int | None:
        """The model's own limit, so the file is refused where the database would refuse it."""
        model, name = column.source or (self.model, column.field)
        return model._meta.get_field(name).max_length

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


UNIT_SHEET = SheetSpec(
    SHEET_UNITS,
    Unit,
    (
        Column("Mã đơn vị", "code", CODE, required=True, width=18,
               help=gettext_lazy("Mã duy nhất của đơn vị, ví dụ: stc. Mã đã có thì cập nhật, mã mới thì thêm đơn vị.")),
        Column("Tên đơn vị", "name", required=True, width=45, help=gettext_lazy("Tên đầy đủ của đơn vị.")),
        Column("Tên viết tắt", "short_name", width=16),
        Column("Loại hình", "kind", CHOICE, width=36, choices=UnitKind,
               help=gettext_lazy("Để trống: giữ nguyên (đơn vị mới: Sở, ban, ngành).")),
        Column("Thủ trưởng", "leader_name", width=26, help=gettext_lazy("Họ tên thủ trưởng đơn vị.")),
        Column("Chức vụ thủ trưởng", "leader_title", width=26),
        Column("Địa chỉ", "address", width=40),
        Column("Đang hoạt động", "active", FLAG, width=16,
               help=gettext_lazy("Để trống: giữ nguyên (đơn vị mới: Có).")),
    ),
    gettext_lazy("Danh sách đơn vị, mỗi dòng một đơn vị."),
)  # fmt: skip

BLOC_SHEET = SheetSpec(
    SHEET_BLOCS,
    Bloc,
    (
        Column("Mã khối", "code", CODE, required=True, width=20,
               help=gettext_lazy("Mã duy nhất của khối, cụm, ví dụ: tham-muu-tong-hop.")),
        Column("Tên khối, cụm", "name", required=True, width=50,
               help=gettext_lazy("Không được trùng với tên khối, cụm khác.")),
        Column("Loại", "kind", CHOICE, width=18, choices=BlocKind,
               help=gettext_lazy("Để trống: giữ nguyên (khối mới: Khối thi đua).")),
        Column("Mô tả", "description", MULTILINE, width=50, help=gettext_lazy("Có thể xuống dòng trong ô.")),
        Column("Đang hoạt động", "active", FLAG, width=16,
               help=gettext_lazy("Để trống: giữ nguyên (khối mới: Có).")),
    ),
    gettext_lazy("Danh sách khối, cụm thi đua, mỗi dòng một khối hoặc cụm."),
)  # fmt: skip

MEMBER_SHEET = SheetSpec(
    MEMBER_SHEET_PREFIX + " <năm>",
    Membership,
    (
        Column("Mã khối", "bloc", CODE, required=True, width=20, source=(Bloc, "code"),
               help=gettext_lazy("Mã của một khối trong sheet Khoi hoặc đã có trong phần mềm.")),
        Column("Tên khối", kind=HELPER, width=40, help=gettext_lazy("Chỉ để đọc cho dễ; bỏ qua khi nhập.")),
        Column("Mã đơn vị", "unit", CODE, required=True, width=18, source=(Unit, "code"),
               help=gettext_lazy("Mã của một đơn vị trong sheet Don vi hoặc đã có trong phần mềm.")),
        Column("Tên đơn vị", kind=HELPER, width=40, help=gettext_lazy("Chỉ để đọc cho dễ; bỏ qua khi nhập.")),
        Column("Vai trò", "role", CHOICE, width=16, choices=MemberRole, default=MemberRole.MEMBER,
               help=gettext_lazy("Mỗi khối có tối đa một khối trưởng và một khối phó. Để trống: Thành viên.")),
        Column("Ghi chú", "note", width=40),
    ),
    gettext_lazy("Thành viên của các khối trong năm ghi ở tên sheet, ví dụ: Thanh vien 2025."),
)  # fmt: skip


def member_sheet_title(year: int) -> str:
    return f"{MEMBER_SHEET_PREFIX} {year}"


def guide_notes() -> list[str]:
    """The rules of an import, worded for users: the page and the "Huong dan" sheet show the same."""
    return [
        _("Dòng đầu tiên của mỗi sheet là tiêu đề cột. Không đổi tên sheet, tên cột; thứ tự cột không quan trọng."),
        _("Chỉ cần có ít nhất một trong các sheet Don vi, Khoi, Thanh vien <năm>; sheet khác bị bỏ qua."),
        _(
            "Đơn vị và khối được nhận ra theo mã: mã đã có thì cập nhật, mã chưa có thì thêm mới. "
            "Nhập tệp không bao giờ xóa đơn vị hay khối; muốn thôi dùng thì ghi Không ở cột Đang hoạt động."
        ),
        _(
            "Sheet Thanh vien <năm>: với mỗi khối có trong sheet, danh sách thành viên của khối trong năm đó "
            "được thay bằng đúng các dòng của sheet; đơn vị không còn trong sheet bị đưa ra khỏi khối năm đó. "
            "Khối không có dòng nào trong sheet được giữ nguyên."
        ),
        _("Năm của sheet Thanh vien phải là năm đang chọn khi nhập."),
        *import_rules_notes(by_sheet=True),
    ]


def guide() -> list[dict]:
    """Each sheet with its columns explained: for the page and for the "Huong dan" sheet."""
    return [
        {
            "title": spec.title,
            "purpose": str(spec.purpose),
            "columns": [
                {"header": c.header, "required": c.required, "help": _column_help(spec, c)} for c in spec.columns
            ],
        }
        for spec in (UNIT_SHEET, BLOC_SHEET, MEMBER_SHEET)
    ]


def _column_help(spec: SheetSpec, column: Column) -> str:
    """The column's own help, then what the file format implies: code rules, allowed values, length."""
    parts = [str(column.help)] if column.help else []
    if column.kind == CODE:
        parts.append(_("Chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang (-), gạch dưới (_); không có khoảng trắng."))
    if column.kind == CHOICE and column.choices:
        parts.append(_("Giá trị: %(values)s.") % {"values": "; ".join(str(label) for label in column.choices.labels)})
    if column.kind == FLAG:
        parts.append(_("Giá trị: %(yes)s hoặc %(no)s.") % {"yes": YES, "no": NO})
    if column.kind in (TEXT, CODE) and column.field:
        parts.append(_("Tối đa %(limit)s ký tự.") % {"limit": spec.max_length(column)})
    return " ".join(parts)


# --- Writing workbooks ------------------------------------------------------------------------


def build_template(*, year: int | None = None) -> bytes:
    """An empty workbook in the import format, with drop-downs, for entering a registry from scratch."""
    year = year or default_year()
    with translation.override(FILE_LANGUAGE):
        return _workbook_bytes(year, units=[], blocs=[], members=[])


def export_registry(year: int) -> bytes:
    """All units and blocs, and `year`'s memberships, in Vietnamese order; imports back unchanged."""
    with translation.override(FILE_LANGUAGE):
        units = [_record_cells(UNIT_SHEET, unit) for unit in Unit.objects.order_by("sort_key", "pk")]
        blocs = [_record_cells(BLOC_SHEET, bloc) for bloc in Bloc.objects.order_by("sort_key", "pk")]
        members = [_member_cells(m) for m in _memberships_in_order(year)]
        return _workbook_bytes(year, units=units, blocs=blocs, members=members)


def _memberships_in_order(year: int) -> list[Membership]:
    """Bloc by bloc in Vietnamese order; in each bloc the head, the deputy, then members by name."""
    rows = list(Membership.objects.filter(year=year).select_related("bloc", "unit"))
    return sorted(
        rows, key=lambda m: (m.bloc.sort_key, m.bloc.pk, _ROLE_ORDER.get(m.role, 3), m.unit.sort_key, m.unit.pk)
    )


def _record_cells(spec: SheetSpec, obj: models.Model) -> list[str]:
    return [_display(obj, column) for column in spec.columns]


def _display(obj: models.Model, column: Column) -> str:
    value = getattr(obj, column.field)
    if column.kind == FLAG:
        return YES if value else NO
    if column.kind == CHOICE:
        return getattr(obj, f"get_{column.field}_display")()
    return value or ""


def _member_cells(m: Membership) -> list[str]:
    return [m.bloc.code, m.bloc.name, m.unit.code, m.unit.name, m.get_role_display(), m.note]


def _workbook_bytes(year: int, *, units: list, blocs: list, members: list) -> bytes:
    book = Workbook()
    guide_ws = book.active
    guide_ws.title = SHEET_GUIDE
    sheets = [book.create_sheet(title) for title in (SHEET_UNITS, SHEET_BLOCS, member_sheet_title(year), SHEET_LISTS)]
    lists = _write_lists(sheets[-1])
    _write_guide(guide_ws, year)
    for ws, spec, rows in zip(sheets, (UNIT_SHEET, BLOC_SHEET, MEMBER_SHEET), (units, blocs, members), strict=False):
        _write_sheet(ws, spec, rows, lists)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


protect = safe_cell  # the name other exports import from here (units/xlsx.py: no formula injection)


def _write_sheet(ws: Worksheet, spec: SheetSpec, rows: list[list], lists: dict[str, str]) -> None:
    ws.append([c.header for c in spec.columns])
    for row in rows:
        ws.append([safe_cell(value) if value != "" else None for value in row])
    style_header(ws, spec.columns)
    last = max(len(rows) + 1 + _DROPDOWN_ROWS // 5, _DROPDOWN_ROWS)
    for index, column in enumerate(spec.columns, start=1):
        key = column.choices.__name__ if column.choices else (column.kind if column.kind == FLAG else "")
        if key:
            _add_dropdown(ws, f"{get_column_letter(index)}2:{get_column_letter(index)}{last}", lists[key])


def _add_dropdown(ws: Worksheet, cells: str, source: str) -> None:
    """A list taken from the hidden "Danh muc" sheet: labels contain commas, so no inline lists."""
    check = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
    check.errorTitle = _("Giá trị không hợp lệ")
    check.error = _("Hãy chọn một giá trị trong danh sách.")
    ws.add_data_validation(check)
    check.add(cells)


def _write_lists(ws: Worksheet) -> dict[str, str]:
    """The drop-down values, one column each, on a hidden sheet; returns each list's range formula."""
    lists = (
        (UnitKind.__name__, UNIT_SHEET.column("kind").header, [str(label) for label in UnitKind.labels]),
        (BlocKind.__name__, BLOC_SHEET.column("kind").header, [str(label) for label in BlocKind.labels]),
        (MemberRole.__name__, MEMBER_SHEET.column("role").header, [str(label) for label in MemberRole.labels]),
        (FLAG, UNIT_SHEET.column("active").header, [YES, NO]),
    )
    ranges = {}
    for index, (key, header, values) in enumerate(lists, start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=header).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=index, value=value)
        ws.column_dimensions[letter].width = 40
        ranges[key] = f"'{SHEET_LISTS}'!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _write_guide(ws: Worksheet, year: int) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append([_("Hướng dẫn nhập danh sách đơn vị, khối, cụm và thành viên năm %(year)s") % {"year": year}])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for note in guide_notes():
        ws.append(["•", note])
        ws.cell(row=ws.max_row, column=2).alignment = wrap
    ws.append([])
    ws.append([_("Sheet"), _("Cột"), _("Bắt buộc"), _("Giải thích")])
    header_row = ws.max_row
    for sheet in guide():
        ws.append([sheet["title"], None, None, sheet["purpose"]])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for column in sheet["columns"]:
            ws.append([sheet["title"], column["header"], YES if column["required"] else None, column["help"]])
            ws.cell(row=ws.max_row, column=4).alignment = wrap
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 18), ("B", 24), ("C", 10), ("D", 90)):
        ws.column_dimensions[letter].width = width


# --- Reading workbooks ------------------------------------------------------------------------


@dataclass
class RecordRow:
    """A unit or bloc row: its code and the values of the columns the file has."""

    row: int
    code: str
    values: dict[str, object]


@dataclass
class MemberRow:
    row: int
    bloc: str
    unit: str
    role: str
    note: str


@dataclass
class ParsedRegistry:
    units: list[RecordRow] = field(default_factory=list)
    blocs: list[RecordRow] = field(default_factory=list)
    memberships: dict[int, list[MemberRow]] = field(default_factory=dict)
    sheet_titles: dict[str, str] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def empty(self) -> bool:
        return not (self.units or self.blocs or any(self.memberships.values()))


def parse_workbook(data: bytes, *, year: int | None) -> ParsedRegistry:
    """Read and check the whole file, collecting every problem; nothing is written.

    `year` is the year being imported: a "Thanh vien" sheet of another year is an error. With
    None, every year's sheet is accepted (for scripts that import several years at once).
    """
    parsed = ParsedRegistry()
    book = open_workbook(data, parsed.errors, "registry")
    if book is None:
        return parsed
    units_ws, blocs_ws, member_sheets = _classify(book.worksheets, year, parsed.errors)
    if units_ws is not None:
        parsed.sheet_titles[SHEET_UNITS] = units_ws.title
        parsed.units = _read_records(units_ws, UNIT_SHEET, parsed.errors)
    if blocs_ws is not None:
        parsed.sheet_titles[SHEET_BLOCS] = blocs_ws.title
        parsed.blocs = _read_records(blocs_ws, BLOC_SHEET, parsed.errors)
        _check_bloc_names(blocs_ws.title, parsed.blocs, parsed.errors)
    for sheet_year, ws in member_sheets.items():
        parsed.memberships[sheet_year] = _read_members(ws, parsed.errors)
    for sheet_year, ws in member_sheets.items():
        _check_references(parsed, sheet_year, ws.title)
    if parsed.empty and not parsed.errors and (units_ws or blocs_ws or member_sheets):
        parsed.errors.append(Problem(_("Tệp không có dòng dữ liệu nào để nhập.")))
    order = {title: index for index, title in enumerate(book.sheetnames)}
    parsed.errors.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))
    return parsed


def _classify(sheets: list[Worksheet], year: int | None, errors: list[Problem]):
    """Find the known sheets by name (accents and case ignored); report unusable membership sheets."""
    units_ws = blocs_ws = None
    members: dict[int, Worksheet] = {}
    for ws in sheets:
        key = search_key(ws.title)
        if key == search_key(SHEET_UNITS):
            units_ws = _only_one(units_ws, ws, errors)
        elif key == search_key(SHEET_BLOCS):
            blocs_ws = _only_one(blocs_ws, ws, errors)
        elif match := _MEMBER_TITLE.fullmatch(key):
            sheet_year = int(match.group(1))
            if _member_year_ok(ws.title, sheet_year, year, errors):
                members[sheet_year] = _only_one(members.get(sheet_year), ws, errors)
    if units_ws is None and blocs_ws is None and not members and not errors:
        errors.append(
            Problem(
                _('Tệp không có sheet nào trong số "%(units)s", "%(blocs)s", "%(members)s".')
                % {"units": SHEET_UNITS, "blocs": SHEET_BLOCS, "members": MEMBER_SHEET.title}
            )
        )
    return units_ws, blocs_ws, members


def _only_one(current: Worksheet | None, ws: Worksheet, errors: list[Problem]) -> Worksheet:
    if current is not None:
        errors.append(
            Problem(
                _('sheet này trùng với sheet "%(other)s"; hãy xóa một trong hai.') % {"other": current.title}, ws.title
            )
        )
    return current or ws


def _member_year_ok(title: str, sheet_year: int, year: int | None, errors: list[Problem]) -> bool:
    if not MIN_YEAR <= sheet_year <= MAX_YEAR:
        reason = _("năm %(year)s không hợp lệ; năm phải trong khoảng %(min)s–%(max)s.")
        errors.append(Problem(reason % {"year": sheet_year, "min": MIN_YEAR, "max": MAX_YEAR}, title))
        return False
    if year is not None and sheet_year != year:
        reason = _(
            "đây là thành viên năm %(sheet_year)s, khác năm đang nhập (%(year)s). "
            "Hãy chọn năm %(sheet_year)s rồi nhập lại, hoặc xóa sheet này khỏi tệp."
        )
        errors.append(Problem(reason % {"sheet_year": sheet_year, "year": year}, title))
        return False
    return True


def _read_sheet(ws: Worksheet, spec: SheetSpec, errors: list[Problem]) -> Iterator[tuple[int, dict, bool]]:
    """Each non-blank row as (row number, {field: value}, whether every cell was valid)."""
    positions = locate_columns(ws, spec.columns, errors, strict=False)
    if positions is None:
        return
    if ws.max_row > MAX_ROWS:
        errors.append(Problem(_("sheet có quá %(max)s dòng; hãy tách thành nhiều tệp.") % {"max": MAX_ROWS}, ws.title))
        return
    yield from read_rows(ws, positions, functools.partial(_convert, spec), errors, blank=_blank)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: object) -> str:
    """A cell as text (`cell_text`), a TRUE/FALSE cell as Excel shows it."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return cell_text(value)


def _multiline(text: str) -> str:
    return nfc(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _convert(spec: SheetSpec, column: Column, cell) -> object:
    """A cell's value for the model field, or None to keep the stored one (a blank choice or flag);
    raises CellError with the reason in words."""
    refuse_formula(cell)
    raw = None if cell is None else cell.value
    if column.kind == FLAG and isinstance(raw, bool):
        return raw
    text = _multiline(_cell_text(raw)) if column.kind == MULTILINE else clean_text(_cell_text(raw))
    if not text:
        if column.required:
            raise CellError(_("thiếu giá trị (cột bắt buộc)."))
        if column.default is not None:
            return column.default
        return None if column.kind in (CHOICE, FLAG) else ""
    if column.kind == CHOICE:
        return _choice(column, text)
    if column.kind == FLAG:
        return _flag(text)
    too_long(text, spec.max_length(column))
    if column.kind == CODE:
        _check_code(text)
    return text


def _check_code(text: str) -> None:
    try:
        validate_slug(text)
    except ValidationError:
        reason = _(
            'mã "%(code)s" không hợp lệ: chỉ dùng chữ cái không dấu, chữ số, dấu gạch ngang (-), gạch dưới (_), '
            "không có khoảng trắng."
        )
        raise CellError(reason % {"code": text}) from None


@functools.cache
def _choice_lookup(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    """Stored value by label (Vietnamese, or the user's language) or by value, accents and case ignored."""
    lookup = {}
    for lang in (FILE_LANGUAGE, language):
        with translation.override(lang):
            lookup.update({search_key(str(label)): value for value, label in choices.choices})
    lookup.update({search_key(value): value for value in choices.values})
    return lookup


def _choice(column: Column, text: str) -> str:
    value = _choice_lookup(column.choices, translation.get_language()).get(search_key(text))
    if value is None:
        labels = "; ".join(str(label) for label in column.choices.labels)
        raise CellError(_('"%(value)s" không có trong danh sách. Chọn một trong: %(labels)s.') % {
            "value": text, "labels": labels})  # fmt: skip
    return value


def _flag(text: str) -> bool:
    key = search_key(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(_('"%(value)s" không hợp lệ; ghi %(yes)s hoặc %(no)s.') % {"value": text, "yes": YES, "no": NO})


def _read_records(ws: Worksheet, spec: SheetSpec, errors: list[Problem]) -> list[RecordRow]:
    """Unit or bloc rows with a valid code, each code once (a repeat is reported against the first)."""
    rows, seen = [], {}
    header = spec.column("code").header
    for row, values, _complete in _read_sheet(ws, spec, errors):
        code = values.pop("code", None)
        if code is None:
            continue
        if code in seen:
            reason = _('mã "%(code)s" bị trùng với dòng %(row)s.') % {"code": code, "row": seen[code]}
            errors.append(Problem(reason, ws.title, row, header))
            continue
        seen[code] = row
        rows.append(RecordRow(row, code, values))
    return rows


def _check_bloc_names(title: str, rows: list[RecordRow], errors: list[Problem]) -> None:
    """Bloc names are unique: within the file, and against blocs the file does not rename."""
    header = BLOC_SHEET.column("name").header
    seen: dict[str, int] = {}
    for record in rows:
        name = record.values.get("name")
        if not name:
            continue
        if name in seen:
            reason = _('tên "%(name)s" bị trùng với dòng %(row)s.') % {"name": name, "row": seen[name]}
            errors.append(Problem(reason, title, record.row, header))
        else:
            seen[name] = record.row
    codes = {r.row: r.code for r in rows}
    for name, code in Bloc.objects.filter(name__in=seen).values_list("name", "code"):
        if code not in codes.values():
            reason = _('tên "%(name)s" đã được khối mã "%(code)s" dùng.')
        elif code != codes[seen[name]]:  # a swap: the database would refuse the first of the two saves
            reason = _(
                'tên "%(name)s" đang là tên của khối mã "%(code)s". Muốn đổi tên hai khối cho nhau, '
                "hãy nhập hai lần: lần đầu đặt cho một khối một tên tạm."
            )
        else:
            continue
        errors.append(Problem(reason % {"name": name, "code": code}, title, seen[name], header))


def _read_members(ws: Worksheet, errors: list[Problem]) -> list[MemberRow]:
    """Membership rows; a unit once per year, one head and one deputy per bloc."""
    rows: list[MemberRow] = []
    units: dict[str, int] = {}
    leaders: dict[tuple[str, str], int] = {}
    for row, values, complete in _read_sheet(ws, MEMBER_SHEET, errors):
        bloc, unit, role = values.get("bloc"), values.get("unit"), values.get("role")
        if unit in units:
            reason = _('đơn vị "%(unit)s" đã có ở dòng %(row)s; mỗi đơn vị chỉ thuộc một khối trong một năm.')
            errors.append(Problem(reason % {"unit": unit, "row": units[unit]}, ws.title, row, _header("unit")))
            continue
        if unit:
            units[unit] = row
        if bloc and role in (MemberRole.HEAD, MemberRole.DEPUTY):
            if (bloc, role) in leaders:
                reason = _('khối "%(bloc)s" đã có %(role)s ở dòng %(row)s; mỗi khối chỉ có một %(role)s trong năm.')
                params = {"bloc": bloc, "role": MemberRole(role).label.lower(), "row": leaders[bloc, role]}
                errors.append(Problem(reason % params, ws.title, row, _header("role")))
                continue
            leaders[bloc, role] = row
        if complete:
            rows.append(MemberRow(row, bloc, unit, role, values.get("note", "")))
    return rows


def _header(name: str) -> str:
    return MEMBER_SHEET.column(name).header


def _check_references(parsed: ParsedRegistry, year: int, title: str) -> None:
    """Every code in a membership sheet names a bloc/unit of the file or of the database, and no
    unit of the sheet stays in a bloc the sheet leaves untouched (that would give it two blocs)."""
    rows = parsed.memberships[year]
    known_blocs = _known_codes(Bloc, {r.code for r in parsed.blocs}, {m.bloc for m in rows})
    known_units = _known_codes(Unit, {r.code for r in parsed.units}, {m.unit for m in rows})
    for m in rows:
        if m.bloc not in known_blocs:
            reason = _('không có khối mã "%(code)s" trong sheet "%(sheet)s" hay trong phần mềm.')
            parsed.errors.append(
                Problem(reason % {"code": m.bloc, "sheet": SHEET_BLOCS}, title, m.row, _header("bloc"))
            )
        if m.unit not in known_units:
            reason = _('không có đơn vị mã "%(code)s" trong sheet "%(sheet)s" hay trong phần mềm.')
            parsed.errors.append(
                Problem(reason % {"code": m.unit, "sheet": SHEET_UNITS}, title, m.row, _header("unit"))
            )
    _check_other_blocs(parsed, year, title, rows)


def _known_codes(model: type[models.Model], in_file: set[str], wanted: set[str]) -> set[str]:
    return in_file | set(model.objects.filter(code__in=wanted - in_file).values_list("code", flat=True))


def _check_other_blocs(parsed: ParsedRegistry, year: int, title: str, rows: list[MemberRow]) -> None:
    by_unit = {m.unit: m for m in rows}
    clashes = (
        Membership.objects.filter(year=year, unit__code__in=by_unit)
        .exclude(bloc__code__in={m.bloc for m in rows})
        .values_list("unit__code", "bloc__code")
    )
    reason = _(
        'đơn vị "%(unit)s" đang thuộc khối "%(bloc)s" năm %(year)s, mà khối này không có trong sheet. '
        "Hãy thêm các dòng của khối đó vào sheet, hoặc đưa đơn vị ra khỏi khối đó trước."
    )
    for unit, bloc in clashes:
        params = {"unit": unit, "bloc": bloc, "year": year}
        parsed.errors.append(Problem(reason % params, title, by_unit[unit].row, _header("unit")))


# --- Importing --------------------------------------------------------------------------------


@dataclass
class Tally(xlsx.Tally):
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class ImportResult(xlsx.ImportResult):
    units: Tally = field(default_factory=Tally)
    blocs: Tally = field(default_factory=Tally)
    memberships: dict[int, Tally] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(t.changed for t in (self.units, self.blocs, *self.memberships.values()))

    def summary(self) -> list[tuple[str, Tally]]:
        """(what, counts) rows for the result page."""
        rows = [(_("Đơn vị"), self.units), (_("Khối, cụm"), self.blocs)]
        rows += [(_("Thành viên năm %(year)s") % {"year": y}, t) for y, t in sorted(self.memberships.items())]
        return rows


_CONSTRAINT_MESSAGES = {
    MEMBERSHIP_UNIT_YEAR: gettext_lazy("Mỗi đơn vị chỉ thuộc một khối trong một năm."),
    MEMBERSHIP_ONE_HEAD: gettext_lazy("Khối đã có khối trưởng trong năm này."),
    MEMBERSHIP_ONE_DEPUTY: gettext_lazy("Khối đã có khối phó trong năm này."),
}


@transaction.atomic
def registry_import(*, data: bytes, year: int | None) -> ImportResult:
    """Check the whole file, then write it, or write nothing and say why.

    Writes go through save() so that history and the search/sort keys follow; rows whose values
    are already those of the file are not saved, so importing the same file twice changes nothing.
    """
    parsed = parse_workbook(data, year=year)
    if not parsed.ok:
        return ImportResult(errors=[str(p) for p in parsed.errors])
    return write_or_refuse(
        lambda: _write(parsed), what="Registry", race_message=_integrity_message, result_class=ImportResult
    )


def _write(parsed: ParsedRegistry) -> ImportResult:
    result = ImportResult()
    _upsert(Unit, parsed.units, result.units)
    _upsert(Bloc, parsed.blocs, result.blocs)
    for sheet_year, rows in sorted(parsed.memberships.items()):
        result.memberships[sheet_year] = _replace_memberships(sheet_year, rows)
    return result


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc)
    detail = next((str(msg) for name, msg in _CONSTRAINT_MESSAGES.items() if name in text), "")
    message = _(
        "Không nhập được: dữ liệu trùng với một bản ghi khác (có thể vừa có người sửa cùng lúc). "
        "Chưa có gì được ghi; hãy xuất lại dữ liệu mới nhất rồi thử lại."
    )
    return f"{message} {detail}".strip()


def _upsert(model: type[models.Model], rows: list[RecordRow], tally: Tally) -> None:
    """Create new codes, save changed rows (version bumped, so open edit forms notice), skip the rest."""
    existing = {o.code: o for o in model.objects.select_for_update().filter(code__in=[r.code for r in rows])}
    for record in rows:
        obj = existing.get(record.code)
        if obj is None:
            model(code=record.code, **record.values).save()
            tally.created += 1
        elif _differs(obj, record.values):
            for name, value in record.values.items():
                setattr(obj, name, value)
            obj.version += 1
            obj.save()
            tally.updated += 1
        else:
            tally.unchanged += 1


def _differs(obj: models.Model, values: dict[str, object]) -> bool:
    """Compare as the database would store them: stored text normalised the same way as the file's."""
    return any(_normalised(obj, name) != value for name, value in values.items())


def _normalised(obj: models.Model, name: str) -> object:
    value = getattr(obj, name)
    if not isinstance(value, str):
        return value
    if isinstance(obj._meta.get_field(name), models.TextField):
        return _multiline(value)
    return clean_text(value)


def _replace_memberships(year: int, rows: list[MemberRow]) -> Tally:
    """The year's members of each bloc in the sheet become exactly the sheet's rows.

    Order matters for the unique constraints: removed rows go first, then heads and deputies
    whose role changes step down to member, then the final roles are set and new rows added.
    """
    tally = Tally()
    bloc_ids = dict(Bloc.objects.filter(code__in={m.bloc for m in rows}).values_list("code", "pk"))
    unit_ids = dict(Unit.objects.filter(code__in={m.unit for m in rows}).values_list("code", "pk"))
    wanted = {unit_ids[m.unit]: m for m in rows}
    current = Membership.objects.select_for_update().filter(year=year, bloc_id__in=bloc_ids.values())
    kept: dict[int, Membership] = {}
    for membership in current:
        row = wanted.get(membership.unit_id)
        if row is None or bloc_ids[row.bloc] != membership.bloc_id:
            membership.delete()
            tally.deleted += 1
        else:
            kept[membership.unit_id] = membership
    changes = [
        (m, wanted[uid])
        for uid, m in kept.items()
        if (m.role, clean_text(m.note)) != (wanted[uid].role, wanted[uid].note)
    ]
    tally.unchanged = len(kept) - len(changes)
    tally.updated = len(changes)
    for membership, row in changes:
        if membership.role != row.role and membership.role != MemberRole.MEMBER:
            _save_membership(
                membership, MemberRole.MEMBER, row.note if row.role == MemberRole.MEMBER else membership.note
            )
    for membership, row in changes:
        if (membership.role, membership.note) != (row.role, row.note):
            _save_membership(membership, row.role, row.note)
    for unit_id, row in wanted.items():
        if unit_id not in kept:
            Membership(bloc_id=bloc_ids[row.bloc], unit_id=unit_id, year=year, role=row.role, note=row.note).save()
            tally.created += 1
    return tally


def _save_membership(membership: Membership, role: str, note: str) -> None:
    membership.role, membership.note = role, note
    membership.version += 1
    membership.save()
