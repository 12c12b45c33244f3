"""What every workbook of the app shares: safe cells on the way out, and the scaffolding of an import.

Cells we write: text stays text, never a formula (no formula injection). A name typed as
`=HYPERLINK("http://…","bấm vào")` or `+84 912…` would become a live formula once the file is opened
in Excel (openpyxl itself stores any text starting with "=" as a formula). Every XLSX export passes
user text through `safe_cell`, which puts an apostrophe in front of text that starts with =, +, -, @,
a tab or a carriage return — Excel's own "this is text" mark, so people see the text as typed. An
apostrophe at the start is doubled for the same reason, so that `unquote`, which the imports apply,
gives back exactly the original text: export → import round-trips.

Imports (registry, ratings, award history, score grid) read a fixed format the same way: the bytes
are checked to be an xlsx before openpyxl opens them (`xlsx_problem`), columns are found by header
(`locate_columns`), every row is read and every bad cell reported as a `Problem` located the way
Excel shows it (`read_rows`), and the file is written whole or not at all (`write_or_refuse`), the
outcome an `ImportResult`: the errors, or what was written (`Tally` counts).
"""

import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from units.text import clean_text, search_key

logger = logging.getLogger(__name__)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
QUOTE = "'"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_LANGUAGE = "vi"  # labels written to files: a file exported in English must import for everyone
MAX_ROWS = 20_000  # data rows of one sheet
_MAX_UNPACKED = 200 * 1024 * 1024  # a zip bomb stops here, long before openpyxl inflates it


# --- Writing ----------------------------------------------------------------------------------


def safe_cell(value: object) -> object:
    """The value to write into a cell: numbers, dates and None as they are, text neutralised."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a workbook cannot hold
    return QUOTE + value if value.startswith(FORMULA_START) else value


def style_header(ws: Worksheet, columns: Iterable) -> None:
    """Bold, frozen header; required columns shaded so people see what they must fill.

    `columns` have a `required` flag and a `width`, in the sheet's order."""
    required = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = required
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an import sheet: its header, the field it fills, the kind of value, whether it must be
    filled, its width and the help the guide shows."""

    header: str
    field: str
    kind: str
    required: bool = False
    width: int = 18
    help: object = ""


def guide_columns(columns: Iterable[Column]) -> list[dict]:
    """The columns as the import page and the guide sheet describe them."""
    return [{"header": c.header, "required": c.required, "help": str(c.help)} for c in columns]


def write_guide(ws: Worksheet, *, title: str, notes: list[str], sections: list[tuple[list, list]], widths) -> None:
    """The "Huong dan" sheet of an import workbook: a title, the rules as bullets, then `sections`, each a
    bold header row and its rows (the last cell of a row wrapped)."""
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for note in notes:
        ws.append(["•", note])
        ws.cell(row=ws.max_row, column=2).alignment = wrap
    for headers, rows in sections:
        ws.append([])
        ws.append(headers)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
            ws.cell(row=ws.max_row, column=len(row)).alignment = wrap
    for letter, width in zip("ABC", widths, strict=False):
        ws.column_dimensions[letter].width = width


def columns_section(columns: Iterable[Column]) -> tuple[list, list]:
    """The guide's table of columns: header, required or not, what to write."""
    rows = [[c["header"], _("Có") if c["required"] else None, c["help"]] for c in guide_columns(columns)]
    return [_("Cột"), _("Bắt buộc"), _("Giải thích")], rows


def import_rules_notes(*, by_sheet: bool = False) -> list[str]:
    """The last lines of every import's guide, the same rules for each: all or nothing, a repeated import
    changes nothing, and how formulas are kept out. `by_sheet`: errors are located by sheet too."""
    if by_sheet:
        checked = _(
            "Cả tệp được kiểm tra trước khi ghi: chỉ cần một dòng sai là chưa có gì được ghi, "
            "và mọi lỗi được liệt kê kèm tên sheet, số dòng, tên cột."
        )
    else:
        checked = _(
            "Cả tệp được kiểm tra trước khi ghi: chỉ cần một dòng sai là chưa có gì được ghi, và mọi lỗi được "
            "liệt kê kèm số dòng, tên cột."
        )
    return [
        checked,
        _("Nhập lại cùng một tệp không làm thay đổi gì; chỉ những dòng có giá trị khác mới được ghi."),
        _(
            "Ô có nội dung bắt đầu bằng =, +, -, @ được ghi thêm dấu nháy đơn (') ở đầu khi xuất, để Excel "
            "không coi là công thức; khi nhập, một dấu nháy đơn ở đầu ô được bỏ đi. "
            "Không dùng công thức trong tệp nhập."
        ),
    ]


def unquote(text: str) -> str:
    """A cell's text as it was before `safe_cell`: one protecting apostrophe removed."""
    return text[1:] if text.startswith(QUOTE) else text


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ".0", and one protecting apostrophe removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unquote(str(value))


def blank_text(value: object) -> bool:
    """Whether a cell reads as nothing once cleaned (spaces, a lone protecting apostrophe)."""
    return clean_text(cell_text(value)) == ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, located the way Excel shows it (sheet, row number, header)."""

    reason: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        params = {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}
        if self.column:
            return _('Sheet "%(sheet)s", dòng %(row)s, cột "%(column)s": %(reason)s') % params
        if self.row:
            return _('Sheet "%(sheet)s", dòng %(row)s: %(reason)s') % params
        if self.sheet:
            return _('Sheet "%(sheet)s": %(reason)s') % params
        return self.reason


class CellError(Exception):
    """A cell that cannot be read, with the reason in words (it becomes a `Problem` at that cell)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def xlsx_problem(data: bytes) -> str | None:
    """Why these bytes are not an xlsx workbook we are willing to open (None if they are one).

    Judged by content, not by file name: an xlsx is a zip holding xl/workbook.xml.
    """
    not_xlsx = _(
        "Tệp không phải là tệp Excel .xlsx hợp lệ. Tệp .xls cũ, .csv hoặc tệp có đặt mật khẩu không đọc được; "
        "hãy mở tệp bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)."
    )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return not_xlsx
    if "xl/workbook.xml" not in names:
        return not_xlsx
    if unpacked > _MAX_UNPACKED:
        return _("Tệp Excel quá lớn khi giải nén; hãy tách thành nhiều tệp nhỏ hơn.")
    return None


def open_workbook(data: bytes, errors: list[Problem], what: str):
    """The workbook (formulas kept, so that they can be refused), or None with the reason added to `errors`.

    `what` names the kind of workbook in the log."""
    problem = xlsx_problem(data)
    if problem:
        errors.append(Problem(problem))
        return None
    try:
        return load_workbook(BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds on damaged files; any of them means "unreadable"
        logger.info("Unreadable %s workbook", what, exc_info=True)
        errors.append(Problem(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")))
        return None


def open_sheet(data: bytes, title: str, errors: list[Problem], what: str) -> Worksheet | None:
    """The sheet `title` (accents and case ignored) of a one-sheet import, or None with the reason in `errors`."""
    book = open_workbook(data, errors, what)
    if book is None:
        return None
    sheets = [ws for ws in book.worksheets if search_key(ws.title) == search_key(title)]
    if not sheets:
        errors.append(Problem(_('Tệp không có sheet "%(sheet)s".') % {"sheet": title}))
        return None
    ws = sheets[0]
    if ws.max_row > MAX_ROWS + 1:
        errors.append(Problem(_("sheet có quá %(max)s dòng; hãy tách thành nhiều tệp.") % {"max": MAX_ROWS}, ws.title))
        return None
    return ws


def locate_columns(ws: Worksheet, columns: Iterable, errors: list[Problem], *, strict: bool = True) -> list | None:
    """Where each column that fills a field is, as (column, index), found by header (accents and case ignored).

    None if a required column is missing, or (`strict`) if a header stands twice."""
    wanted = {search_key(c.header): c for c in columns if c.field}
    found: dict[str, int] = {}
    twice = False
    for index, cell in enumerate(next(ws.iter_rows(min_row=1, max_row=1), ())):
        key = search_key(cell_text(cell.value))
        if key in wanted:
            if key in found:
                reason = _('cột "%(header)s" xuất hiện hai lần.') % {"header": wanted[key].header}
                errors.append(Problem(reason, ws.title, 1))
                twice = True
            found.setdefault(key, index)
    missing = [c.header for key, c in wanted.items() if c.required and key not in found]
    for header in missing:
        errors.append(Problem(_('thiếu cột "%(header)s" ở dòng tiêu đề.') % {"header": header}, ws.title, 1))
    if missing or (strict and twice):
        return None
    return [(wanted[key], index) for key, index in found.items()]


def read_rows(
    ws: Worksheet,
    positions: list,
    convert: Callable,
    errors: list[Problem],
    *,
    blank: Callable[[object], bool] = blank_text,
) -> Iterator[tuple[int, dict, bool]]:
    """Each non-blank data row as (row number, {field: value}, whether every cell was valid).

    `convert(column, cell)` gives a cell's value or raises `CellError`, which is reported at that cell;
    a None value (a blank cell that keeps what is stored) is left out of the row's values."""
    for cells in ws.iter_rows(min_row=2):
        used = [(column, cells[index] if index < len(cells) else None) for column, index in positions]
        if all(cell is None or blank(cell.value) for _column, cell in used):
            continue
        row = cells[0].row
        values, complete = {}, True
        for column, cell in used:
            try:
                value = convert(column, cell)
            except CellError as exc:
                errors.append(Problem(exc.reason, ws.title, row, column.header))
                complete = False
                continue
            if value is not None:
                values[column.field] = value
        yield row, values, complete


def refuse_formula(cell) -> None:
    """A formula cell is refused: the import reads values, and a formula's cached value may be stale or absent."""
    if cell is not None and cell.data_type == "f":
        raise CellError(_("ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức."))


def too_long(text: str, limit: int | None) -> None:
    if limit and len(text) > limit:
        raise CellError(_("dài %(length)s ký tự, tối đa %(limit)s ký tự.") % {"length": len(text), "limit": limit})


# --- Importing --------------------------------------------------------------------------------


@dataclass
class Tally:
    """What an import did to one kind of row (or one year's rows)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass
class ImportResult:
    """What an import did: every problem (nothing was written then), or, in subclasses, what it wrote."""

    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class YearImportResult(ImportResult):
    """The counts of an import of rows that each belong to a year, by year."""

    years: dict[int, Tally] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.years.values())

    def summary(self) -> list[tuple[int, Tally]]:
        """(year, counts) rows for the result page, newest year first."""
        return sorted(self.years.items(), reverse=True)


class Refused(Exception):
    """Raised inside `write_or_refuse` to undo the import: the problems (Problem or text) go to the user."""

    def __init__(self, problems: list):
        super().__init__(problems)
        self.problems = problems


def write_or_refuse(
    write: Callable[[], ImportResult],
    *,
    what: str,
    race_message: Callable[[IntegrityError], str],
    result_class: type[ImportResult] = YearImportResult,
) -> ImportResult:
    """Run `write` in one transaction: its result, or nothing written and the reasons why.

    `write` raises `Refused` for problems it finds; a unique constraint the database enforces (someone
    wrote the same rows meanwhile) is told with `race_message(exc)`. `what` names the import in the log."""
    try:
        with transaction.atomic():
            result = write()
    except Refused as refused:
        return result_class(errors=[str(p) for p in refused.problems])
    except IntegrityError as exc:  # the database has the last word
        logger.info("%s import refused by the database", what, exc_info=True)
        return result_class(errors=[race_message(exc)])
    logger.info("%s imported: %s", what, result)
    return result
