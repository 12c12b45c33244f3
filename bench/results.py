"""The benchmark results: their shape (as issue 7 fixes it), the printed table and bench/results.json.

    {"date", "machine", "database", "dataset": {...sizes}, "floor_ms",
     "pages": [{"name", "median_ms", "p95_ms", "ratio_p95", "queries"}],
     "pdf": {"report_s", "weasyprint_s", "overhead"}, "import": {...},
     "load": {"rps", "errors", "clients", "seconds"}}

A part that could not be measured (its code not there yet) is null, with the reason in "notes".
"""

import contextlib
import json
import os
import platform
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path

TOP_KEYS = ("date", "machine", "database", "dataset", "floor_ms", "pages", "pdf", "import", "load")
PAGE_KEYS = ("name", "median_ms", "p95_ms", "ratio_p95", "queries")
PDF_KEYS = ("report_s", "weasyprint_s", "overhead")
LOAD_KEYS = ("rps", "errors", "clients", "seconds")
TARGET_RATIO = 5.0
TARGET_QUERIES = 20
TARGET_PDF_OVERHEAD = 0.25


@dataclass(frozen=True)
class Timing:
    """Server times of repeated requests to one URL, in milliseconds, and its query count."""

    name: str
    times_ms: list[float]
    queries: int

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.times_ms, 95)


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile by linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * pct / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def page_row(timing: Timing, floor: Timing) -> dict:
    """One page as the results list it: its times, and its p95 as a multiple of the floor's p95."""
    return {
        "name": timing.name,
        "median_ms": round(timing.median_ms, 2),
        "p95_ms": round(timing.p95_ms, 2),
        "ratio_p95": round(timing.p95_ms / floor.p95_ms, 2),
        "queries": timing.queries,
    }


def pdf_row(report_s: float, weasyprint_s: float, own_s: float | None = None) -> dict:
    """The report's time and WeasyPrint's alone on the same HTML; overhead = what the report adds, as a share of
    WeasyPrint's time: `own_s` (its records -> context -> HTML, timed on their own) when given, else the difference."""
    added = own_s if own_s is not None else report_s - weasyprint_s
    return {
        "report_s": round(report_s, 3),
        "weasyprint_s": round(weasyprint_s, 3),
        "overhead": round(added / weasyprint_s, 3),
    }


def load_row(*, requests: int, errors: int, clients: int, seconds: float) -> dict:
    return {"rps": round(requests / seconds, 1), "errors": errors, "clients": clients, "seconds": round(seconds, 1)}


def machine() -> str:
    """CPU model and count, memory, operating system and Python: what the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages * page_size / 2**30:.0f} GB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    load = ""
    with contextlib.suppress(OSError):  # other work on the machine slows everything alike: say how busy it was
        load = f", load average {os.getloadavg()[0]:.1f} at the start"
    return (
        f"{os.cpu_count()} × {cpu}{memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}{load}"
    )


def results(
    *,
    machine: str,
    database: str,
    dataset: dict,
    floor: Timing,
    pages: list[dict],
    pdf: dict | None,
    imports: dict,
    load: dict | None,
    notes: list[str] | None = None,
    when: date | None = None,
) -> dict:
    """The results document, keys in the issue's order (plus "notes" when something was skipped)."""
    document = {
        "date": (when or date.today()).isoformat(),
        "machine": machine,
        "database": database,
        "dataset": dataset,
        "floor_ms": round(floor.p95_ms, 2),
        "pages": pages,
        "pdf": pdf,
        "import": imports,
        "load": load,
    }
    if notes:
        document["notes"] = notes
    check_shape(document)
    return document


def check_shape(document: dict) -> None:
    """Raise ValueError when the document is not shaped as the issue says."""
    missing = [key for key in TOP_KEYS if key not in document]
    if missing:
        raise ValueError(f"results without {', '.join(missing)}")
    if not isinstance(document["dataset"], dict) or not isinstance(document["import"], dict):
        raise ValueError("dataset and import must be objects")
    for page in document["pages"]:
        if tuple(page) != PAGE_KEYS:
            raise ValueError(f"page row {page!r} must have exactly {PAGE_KEYS}")
    for key, keys in (("pdf", PDF_KEYS), ("load", LOAD_KEYS)):
        if document[key] is not None and tuple(document[key]) != keys:
            raise ValueError(f"{key} must have exactly {keys}")


def write(document: dict, path: Path) -> None:
    check_shape(document)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def table(document: dict) -> str:
    """The results as the terminal shows them, each figure against its target."""
    lines = [
        f"thidua benchmarks, {document['date']}",
        f"  machine:  {document['machine']}",
        f"  database: {document['database']}",
        "  dataset:  " + ", ".join(f"{k.split('.')[-1]} {v:,}" for k, v in document["dataset"].items()),
        "",
        f"Pages (floor: a signed-in 'ok', p95 {document['floor_ms']:.2f} ms; target p95 ≤ {TARGET_RATIO:g}× floor, "
        f"≤ {TARGET_QUERIES} queries)",
        f"  {'page':<28}{'median ms':>11}{'p95 ms':>9}{'× floor':>9}{'queries':>9}",
    ]
    for page in document["pages"]:
        ok = page["ratio_p95"] <= TARGET_RATIO and page["queries"] <= TARGET_QUERIES
        lines.append(
            f"  {page['name']:<28}{page['median_ms']:>11.2f}{page['p95_ms']:>9.2f}{page['ratio_p95']:>9.2f}"
            f"{page['queries']:>9}  {'ok' if ok else 'MISSED'}"
        )
    pdf = document["pdf"]
    lines.append("")
    if pdf:
        ok = pdf["overhead"] <= TARGET_PDF_OVERHEAD
        lines.append(
            f"PDF year-end report: {pdf['report_s']:.3f} s, WeasyPrint alone {pdf['weasyprint_s']:.3f} s, "
            f"overhead {pdf['overhead']:.1%} (target ≤ {TARGET_PDF_OVERHEAD:.0%})  {'ok' if ok else 'MISSED'}"
        )
    else:
        lines.append("PDF year-end report: not measured (see notes)")
    for name, row in document["import"].items():
        if row:
            lines.append(
                f"Import {name}: {row['rows']:,} rows in {row['seconds']:.3f} s = {row['rows_per_s']:,.0f} rows/s"
                + (f" ({row['cells_per_s']:,.0f} cells/s)" if "cells_per_s" in row else "")
            )
        else:
            lines.append(f"Import {name}: not measured (see notes)")
    load = document["load"]
    if load:
        lines.append(
            f"Load: {load['clients']} clients for {load['seconds']:g} s: {load['rps']:.1f} requests/s, "
            f"{load['errors']} errors  {'ok' if load['errors'] == 0 else 'MISSED'}"
        )
    else:
        lines.append("Load: not measured")
    for note in document.get("notes", []):
        lines.append(f"Note: {note}")
    return "\n".join(lines)
