"""The harness's results (bench/results.py): shaped as issue 7 says, without running any measurement."""

import json

import pytest

from bench import results
from bench.run import Page, page_url


def timing(name, times, queries=5):
    return results.Timing(name, times, queries)


def document(**overrides):
    floor = timing("floor", [2.0] * 19 + [4.0])
    values = {
        "machine": "2 × test CPU",
        "database": "PostgreSQL 16",
        "dataset": {"units.Unit": 600, "blocs.Score": 240_000},
        "floor": floor,
        "pages": [results.page_row(timing("score grid", [10.0 + i for i in range(20)], 18), floor)],
        "pdf": results.pdf_row(1.2, 1.0),
        "imports": {"score grid": {"rows": 15, "seconds": 0.5, "rows_per_s": 30.0}, "award history": None},
        "load": results.load_row(requests=300, errors=0, clients=8, seconds=20.0),
    }
    values.update(overrides)
    return results.results(**values)


def test_written_file_has_the_issue_shape(tmp_path):
    path = tmp_path / "results.json"

    results.write(document(notes=["award history import not measured"]), path)

    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data)[: len(results.TOP_KEYS)] == list(results.TOP_KEYS)
    assert set(data) == {*results.TOP_KEYS, "notes"}
    assert data["floor_ms"] == 2.1  # p95 of nineteen 2 ms and one 4 ms
    assert data["pages"] == [
        {"name": "score grid", "median_ms": 19.5, "p95_ms": 28.05, "ratio_p95": 13.36, "queries": 18}
    ]
    assert data["pdf"] == {"report_s": 1.2, "weasyprint_s": 1.0, "overhead": 0.2}
    assert data["load"] == {"rps": 15.0, "errors": 0, "clients": 8, "seconds": 20.0}
    assert data["import"]["score grid"]["rows_per_s"] == 30.0
    assert data["import"]["award history"] is None
    assert data["dataset"] == {"units.Unit": 600, "blocs.Score": 240000}
    assert data["notes"] == ["award history import not measured"]


def test_without_notes_there_is_no_notes_key():
    assert "notes" not in document()


def test_parts_not_measured_are_null():
    data = document(pdf=None, load=None)

    assert data["pdf"] is None
    assert data["load"] is None


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"load": None, "drop": "load"}, "without load"),
        ({"pages": [{"name": "x", "median_ms": 1, "p95_ms": 1, "queries": 1}]}, "page row"),
        ({"pdf": {"report_s": 1.0}}, "pdf must have"),
    ],
)
def test_shape_check_refuses_a_wrong_document(broken, message):
    data = document()
    data.update({k: v for k, v in broken.items() if k != "drop"})
    data.pop(broken.get("drop"), None)

    with pytest.raises(ValueError, match=message):
        results.check_shape(data)


def test_percentile_interpolates_between_ranks():
    assert results.percentile([1, 2, 3, 4], 50) == 2.5
    assert results.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert results.percentile([7], 95) == 7


def test_table_states_each_target():
    text = results.table(document())

    assert "score grid" in text
    assert "MISSED" in text  # 13× the floor
    assert "overhead 20.0%" in text
    assert "15.0 requests/s, 0 errors  ok" in text
    assert "Import award history: not measured" in text


def test_a_page_whose_url_name_does_not_exist_yet_is_skipped():
    assert page_url(Page("future", "awards:no_such_page", None, "board"), subjects=None) is None
    assert page_url(Page("floor", "accounts:ping", None, "secretary"), subjects=None) == "/tai-khoan/ping/"


def test_pdf_overhead_is_the_reports_own_part_when_timed_directly():
    row = results.pdf_row(1.30, 1.25, own_s=0.1)

    assert row == {"report_s": 1.3, "weasyprint_s": 1.25, "overhead": 0.08}
