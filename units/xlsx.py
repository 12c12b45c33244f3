"""Cells of the workbooks we write: text stays text, never a formula (no formula injection).

A name typed as `=HYPERLINK("http://…","bấm vào")` or `+84 912…` would become a live formula once
the file is opened in Excel (openpyxl itself stores any text starting with "=" as a formula). Every
XLSX export passes user text through `safe_cell`, which puts an apostrophe in front of text that
starts with =, +, -, @, a tab or a carriage return — Excel's own "this is text" mark, so people see
the text as typed. An apostrophe at the start is doubled for the same reason, so that `unquote`,
which the imports apply, gives back exactly the original text: export → import round-trips.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
QUOTE = "'"


def safe_cell(value: object) -> object:
    """The value to write into a cell: numbers, dates and None as they are, text neutralised."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a workbook cannot hold
    return QUOTE + value if value.startswith(FORMULA_START) else value


def unquote(text: str) -> str:
    """A cell's text as it was before `safe_cell`: one protecting apostrophe removed."""
    return text[1:] if text.startswith(QUOTE) else text
