"""The benchmark harness (`make bench`, or `python -m bench.run`), on the data set of `manage.py seed_scale`.

What it measures, with production settings (DEBUG off, the collected static files, persistent database
connections) on this machine:

* server time of the key pages, in-process through Django's test client (the full middleware stack,
  a real session in the database, a signed-in user), median and p95 over repeated requests, each as a
  multiple of a floor measured in the same rounds: `accounts:ping`, which answers "ok" to a signed-in
  user and does nothing else. Requests go round-robin over the floor and the pages, so machine noise
  falls on all of them alike. Query counts come from one extra request each;
* the PDF of a 15-unit year-end report, against WeasyPrint alone on the same HTML (best of 7 runs each);
  the overhead is the report's own work (records -> context -> HTML) timed on its own;
* XLSX imports: a full score grid, and 10,000 rows of award history (both rolled back);
* throughput: gunicorn on loopback, N clients (threads, keep-alive, each its own signed-in session)
  cycling over the key pages for a fixed time; requests per second and errors.

The database is DATABASE_URL when set (PostgreSQL), else var/bench.sqlite3; it is migrated and seeded
first when empty. A page whose URL name does not exist (yet) is skipped with a note, and so is a part
whose code is not there: each part is one function below.
"""

import argparse
import http.client
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results.json"


def configure_environment(env=os.environ) -> None:
    """Production settings on loopback, before Django reads them (settings only set what is unset)."""
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DEBUG"] = "false"
    env["SECURE"] = "false"  # plain HTTP on loopback: no redirect to HTTPS, cookies without Secure
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    env.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}"
    env.setdefault("DB_CONN_MAX_AGE", "60")
    if not env.get("MEDIA_ROOT"):  # the dossier files seed_scale writes: one folder per bench database
        database = urlparse(env["DATABASE_URL"]).path.rstrip("/").rsplit("/", 1)[-1] or "default"
        env["MEDIA_ROOT"] = str(BASE_DIR / "var" / "bench-media" / database)
    if not env.get("STATIC_ROOT"):
        env["STATIC_ROOT"] = str(BASE_DIR / "var" / "bench-static")
    env.setdefault("LOG_LEVEL", "WARNING")
    env.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")


# --- Subjects: what the pages are measured on ------------------------------------------------------


@dataclass
class Subjects:
    bloc: object
    year: int
    secretary: object
    board: object
    nomination: object
    clients: dict = field(default_factory=dict)  # persona -> signed-in test client


def find_subjects():
    """The largest bloc of the data set's last year, its secretary, the board, and that bloc's nomination
    with the longest history."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Max

    from awards.models import Nomination
    from blocs.models import Bloc, Role, RoleKind

    users = get_user_model().objects
    board = users.filter(username="bench_board").first()
    if board is None:
        raise SystemExit(
            "This database was not built by `manage.py seed_scale` (no bench_board account): use an empty "
            "database of its own (DATABASE_URL, or the default var/bench.sqlite3)."
        )
    year = Nomination.objects.aggregate(year=Max("year"))["year"]
    bloc = Bloc.objects.filter(memberships__year=year).annotate(n=Count("memberships")).order_by("-n", "code").first()
    secretary = Role.objects.filter(kind=RoleKind.BLOC_SECRETARY, bloc=bloc).select_related("user").first().user
    nomination = (
        Nomination.objects.filter(bloc=bloc, year=year)
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .select_related("bloc")
        .first()
    )
    return Subjects(bloc=bloc, year=year, secretary=secretary, board=board, nomination=nomination)


# --- Pages -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    kwargs: Callable | None  # Subjects -> URL kwargs
    persona: str  # "secretary" or "board"
    query: Callable | None = None  # Subjects -> query string


FLOOR = Page("floor: signed-in 'ok'", "accounts:ping", None, "secretary")
PAGES = [
    Page("bloc year overview", "blocs:year", lambda s: {"pk": s.bloc.pk, "year": s.year}, "secretary"),
    Page("score grid", "blocs:score_grid", lambda s: {"pk": s.bloc.pk, "year": s.year}, "secretary"),
    Page("ranking", "blocs:ranking", lambda s: {"pk": s.bloc.pk, "year": s.year}, "secretary"),
    Page("review queue", "awards:review_queue", None, "board", lambda s: f"nam={s.year}"),
    Page("nomination detail", "awards:detail", lambda s: {"nomination_pk": s.nomination.pk}, "board"),
    Page("nomination review (board)", "awards:review", lambda s: {"nomination_pk": s.nomination.pk}, "board",
         lambda s: f"nam={s.year}"),
]  # fmt: skip


def page_url(page: Page, subjects: Subjects) -> str | None:
    """The page's address, or None when its URL name does not exist (yet)."""
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(page.url_name, kwargs=page.kwargs(subjects) if page.kwargs else None)
    except NoReverseMatch:
        return None
    return f"{url}?{page.query(subjects)}" if page.query else url


def signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return len(queries)


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def measure_pages(subjects: Subjects, *, rounds: int, warmup: int = 3, log=print):
    """(floor timing, [page timings], notes). Round-robin: each round requests the floor and every page once."""
    from bench.results import Timing

    notes, targets = [], []
    for page in [FLOOR, *PAGES]:
        url = page_url(page, subjects)
        if url is None:
            notes.append(f"page «{page.name}» skipped: URL name {page.url_name} does not exist yet")
            log(f"  skipped {page.name}: no URL named {page.url_name}")
            continue
        client = subjects.clients[page.persona]
        targets.append((page, url, client))
    for _page, url, client in targets:
        for _ in range(warmup):
            _get(client, url)
    queries = {page.name: count_queries(client, url) for page, url, client in targets}
    times: dict[str, list[float]] = {page.name: [] for page, _url, _client in targets}
    clock = time.perf_counter
    for _round in range(rounds):
        for page, url, client in targets:
            started = clock()
            _get(client, url)
            times[page.name].append((clock() - started) * 1000)
    timings = [Timing(page.name, times[page.name], queries[page.name]) for page, _url, _client in targets]
    return timings[0], timings[1:], notes


# --- PDF ---------------------------------------------------------------------------------------------


def year_end_report_renderers():
    """(render the report from the records, its HTML, WeasyPrint alone on HTML), or None without reports."""
    try:
        from reports import pipeline
    except ImportError:
        return None
    if not all(hasattr(pipeline, name) for name in ("render_pdf", "build", "html_of", "html_to_pdf")):
        return None

    def report(bloc, year):
        return pipeline.render_pdf("summary", bloc=bloc.pk, year=year)

    def html(bloc, year):
        return pipeline.html_of(pipeline.build("summary", bloc=bloc.pk, year=year))

    return report, html, pipeline.html_to_pdf


def measure_pdf(subjects: Subjects, *, repeat: int = 7):
    """(pdf row, note): the whole report (records -> context -> HTML -> PDF), WeasyPrint alone on its HTML, and
    the report's own part (records -> context -> HTML), each the best of `repeat` alternating runs. A CPU-bound
    job is only ever slowed down by other work on the machine, so the minimum is the steadiest estimate of its
    cost (as timeit does); the overhead is the report's own part timed directly, because the difference of two
    second-long timings on a busy machine is mostly noise."""
    from bench.results import pdf_row

    renderers = year_end_report_renderers()
    if renderers is None:
        return None, "PDF not measured: reports has no year-end report renderer yet"
    report, html_of, weasyprint_only = renderers
    html = html_of(subjects.bloc, subjects.year)
    report(subjects.bloc, subjects.year)  # warm-up: fonts, imports, template loading
    weasyprint_only(html)
    times = {"report": [], "weasyprint": [], "own": []}
    clock = time.perf_counter
    for _ in range(repeat):  # alternate, so that drift falls on all three
        started = clock()
        report(subjects.bloc, subjects.year)
        times["report"].append(clock() - started)
        started = clock()
        weasyprint_only(html)
        times["weasyprint"].append(clock() - started)
        started = clock()
        html_of(subjects.bloc, subjects.year)
        times["own"].append(clock() - started)
    return pdf_row(min(times["report"]), min(times["weasyprint"]), min(times["own"])), None


# --- Imports -----------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _rolled_back(work: Callable):
    """Run `work` in a transaction that is then rolled back; returns (result, seconds)."""
    from django.db import transaction

    outcome = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            outcome["result"] = work()
            outcome["seconds"] = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return outcome["result"], outcome["seconds"]


def _import_row(rows: int, seconds: float, **extra) -> dict:
    row = {"rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds, 1)}
    for key, value in extra.items():
        row[key] = value
    return row


def measure_grid_import(subjects: Subjects):
    """The bloc-year's assessed grid exported, every cell changed by one step, imported back (rolled back)."""
    from openpyxl import load_workbook

    from blocs import grid_xlsx
    from blocs.models import CriterionKind, Membership
    from blocs.services_scores import ASSESSED, grid_data

    members = list(Membership.objects.filter(bloc=subjects.bloc, year=subjects.year).select_related("unit"))
    members.sort(key=lambda m: ({"head": 0, "deputy": 1}.get(m.role, 2), m.unit.sort_key))
    unit_ids = [m.unit_id for m in members]
    data = grid_data(bloc_id=subjects.bloc.pk, year=subjects.year, unit_ids=unit_ids)
    exported = grid_xlsx.export_grid(data=data, memberships=members, kind=ASSESSED, bloc=subjects.bloc,
                                     year=subjects.year)  # fmt: skip
    book = load_workbook(BytesIO(exported))
    sheet = book[grid_xlsx.SHEET_SCORES]
    cells = 0
    for row in range(grid_xlsx.FIRST_ROW, grid_xlsx.FIRST_ROW + len(members)):
        for column, criterion in enumerate(data.criteria, start=3):
            cell = sheet.cell(row=row, column=column)
            cell.value = _one_step(criterion, Decimal(str(cell.value or 0)), CriterionKind)
            cells += 1
    out = BytesIO()
    book.save(out)
    upload = out.getvalue()

    def work():
        fresh = grid_data(bloc_id=subjects.bloc.pk, year=subjects.year, unit_ids=unit_ids)
        result = grid_xlsx.import_grid(data=upload, grid=fresh, memberships=members, bloc=subjects.bloc,
                                       year=subjects.year, may_write=lambda kind, unit_id: True,
                                       user=subjects.secretary)  # fmt: skip
        if not result.ok:
            raise RuntimeError(f"grid import refused: {result.errors[:3]}")
        return result

    _result, seconds = _rolled_back(work)
    return _import_row(len(members), seconds, cells=cells, cells_per_s=round(cells / seconds, 1))


def _one_step(criterion, value: Decimal, kinds) -> float:
    """A different valid value for the cell: half a point (normal, bonus) or one point (penalty) away."""
    if criterion.kind == kinds.PENALTY:
        new = value - 1 if value - 1 >= -criterion.max_points else value + 1
    else:
        new = value - Decimal("0.5") if value >= Decimal("0.5") else value + Decimal("0.5")
    return float(new)


def history_importer():
    """(build an award-history workbook of rows, import it), or None while awards/history_xlsx.py is missing."""
    try:
        from awards import history_xlsx
    except ImportError:
        return None
    if not all(hasattr(history_xlsx, name) for name in ("history_import", "build_template", "SHEET_AWARDS")):
        return None
    return history_xlsx


def measure_history_import(subjects: Subjects, rows: int = 10_000):
    """10,000 new rows of award history (years before the data set's), imported whole (rolled back)."""
    from openpyxl import load_workbook

    from units.models import AnnualRating, AwardType, Unit

    module = history_importer()
    if module is None:
        return None, "award history import not measured: awards/history_xlsx.py has no history_import yet"
    book = load_workbook(BytesIO(module.build_template()))
    sheet = book[module.SHEET_AWARDS]
    header = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == module.COLUMNS[0].header)
    headers = [c.header for c in module.COLUMNS]
    for r in range(sheet.max_row, header, -1):
        sheet.delete_rows(r)
    first_year = AnnualRating.objects.order_by("year").values_list("year", flat=True).first()
    units = list(Unit.objects.order_by("code").values_list("code", "name"))
    codes = list(AwardType.objects.order_by("order").values_list("code", flat=True))
    written, year = 0, first_year - 1
    while written < rows and year >= 2000:  # the years before the data set's, newest first
        for code in codes:
            for unit_code, unit_name in units[: rows - written]:
                values = {
                    "Mã đơn vị": unit_code,
                    "Tên đơn vị": unit_name,
                    "Năm": year,
                    "Hình thức khen thưởng": code,
                    "Số quyết định": f"{100 + written % 800}/QĐ-UBND",
                    "Ngày quyết định": f"15/03/{year + 1}",
                    "Người ký": "Nguyễn Văn An",
                }
                sheet.append([values.get(h, "") for h in headers])
                written += 1
        year -= 1
    out = BytesIO()
    book.save(out)
    upload = out.getvalue()

    def work():
        result = module.history_import(data=upload, user=subjects.board)
        errors = getattr(result, "errors", None)
        if errors:
            raise RuntimeError(f"award history import refused: {errors[:3]}")
        return result

    _result, seconds = _rolled_back(work)
    return _import_row(written, seconds), None


# --- Load --------------------------------------------------------------------------------------------


def run_load(
    subjects: Subjects,
    *,
    clients: int,
    seconds: float,
    port: int,
    workers: int,
    threads: int,
    warmup: float = 5,
    log=print,
):
    """gunicorn (gthread) on 127.0.0.1:port; `clients` threads, each its own signed-in session and kept-alive
    connection, cycling over the key pages: `warmup` seconds not counted (each worker's first requests load
    templates and code), then `seconds` counted. Returns {requests, errors, seconds, clients}."""
    from django.conf import settings
    from django.db import connections

    urls = {persona: [] for persona in ("secretary", "board")}
    for page in PAGES:
        url = page_url(page, subjects)
        if url is not None:
            urls[page.persona].append(url)
    cookies = []
    for i in range(clients):
        persona = "secretary" if i % 2 == 0 or not urls["board"] else "board"
        user = subjects.secretary if persona == "secretary" else subjects.board
        client = signed_in_client(user)
        cookies.append(
            (persona, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
        )
    connections.close_all()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
               "--keep-alive", "30", "--log-level", "warning", "--timeout", "60"]  # fmt: skip
    server = subprocess.Popen(command, cwd=BASE_DIR, env=os.environ.copy())
    try:
        _wait_until_up(port, cookies[0][1], server)
        log(f"  gunicorn: {workers} workers × {threads} threads on 127.0.0.1:{port}; {clients} clients, {seconds:g} s")
        counts = [[0, 0] for _ in range(clients)]  # requests, errors
        count_from = time.monotonic() + warmup
        deadline = count_from + seconds
        workers_threads = [
            threading.Thread(
                target=_client_loop, args=(port, cookie, urls[persona], count_from, deadline, counts[i]), daemon=True
            )
            for i, (persona, cookie) in enumerate(cookies)
        ]
        for thread in workers_threads:
            thread.start()
        for thread in workers_threads:
            thread.join()
        elapsed = time.monotonic() - count_from
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {
        "requests": sum(c[0] for c in counts),
        "errors": sum(c[1] for c in counts),
        "seconds": elapsed,
        "clients": clients,
    }


def _wait_until_up(port: int, cookie: str, server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/tai-khoan/ping/", headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def _client_loop(port: int, cookie: str, urls: list[str], count_from: float, deadline: float, counts: list) -> None:
    """One user: requests the pages in turn over one kept-alive connection until the deadline; counts the
    requests that started after `count_from`, and those of them that failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Accept-Language": "vi"}
    i = 0
    while time.monotonic() < deadline:
        url = urls[i % len(urls)]
        i += 1
        counted = time.monotonic() >= count_from
        failed = False
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            failed = response.status != 200
        except (OSError, http.client.HTTPException):
            failed = True
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if counted:
            counts[0] += 1
            counts[1] += failed
    conn.close()


# --- Profiling a page -----------------------------------------------------------------------------


def profile_page(subjects: Subjects, name: str, requests: int = 10) -> int:
    """Print the page's queries (time, SQL) and where the time of `requests` requests goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = next((p for p in [FLOOR, *PAGES] if p.name == name), None)
    url = page_url(page, subjects) if page else None
    if url is None:
        print(f"No page named «{name}» with an existing URL; pages: {', '.join(p.name for p in PAGES)}")
        return 2
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: .venv/bin/pip install -r requirements-dev.txt")
        return 2
    client = subjects.clients[page.persona]
    for _ in range(3):
        _get(client, url)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    print(f"{url}: {len(queries)} queries")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        _get(client, url)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))
    return 0


# --- The run -----------------------------------------------------------------------------------------


def prepare(log=print) -> None:
    """Migrate, build the data set if the database is empty, collect the static files once."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_scale", if_empty=True)
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if settings.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise") and not manifest.exists():
        log(f"Collecting static files into {settings.STATIC_ROOT} (once)…")
        call_command("collectstatic", interactive=False, verbosity=0)


def database_label() -> str:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
        name = f"PostgreSQL {version}"
    else:
        import sqlite3

        name = f"SQLite {sqlite3.sqlite_version}"
    age = settings.DATABASES["default"].get("CONN_MAX_AGE")
    prepared = settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold")
    details = [f"persistent connections, CONN_MAX_AGE={age}"] if age else []
    details += [f"prepared statements after {prepared} runs"] if prepared else []
    return f"{name} (loopback; {', '.join(details)})" if details else name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    # 200: the p95 of 50 requests is their third-slowest, and a quick floor's moved by half between runs.
    parser.add_argument("--rounds", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients under load (default 8)")
    parser.add_argument("--seconds", type=float, default=20, help="length of the load test (default 20)")
    parser.add_argument("--port", type=int, default=8160, help="gunicorn's loopback port (default 8160)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (default 2)")
    parser.add_argument("--no-load", action="store_true", help="skip the load test")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the results (JSON)")
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="instead of measuring: the queries of one page and a pyinstrument profile of 10 requests to it "
        f"(pages: {', '.join(p.name for p in PAGES)})",
    )
    args = parser.parse_args(argv)

    configure_environment()
    import django

    django.setup()
    from bench import results, scale

    prepare()
    subjects = find_subjects()
    subjects.clients = {"secretary": signed_in_client(subjects.secretary), "board": signed_in_client(subjects.board)}
    print(f"Bloc «{subjects.bloc.name}», year {subjects.year}; nomination #{subjects.nomination.pk}")
    if args.profile:
        return profile_page(subjects, args.profile)
    machine = results.machine()  # with the load average before we add ours
    print(f"Pages: {args.rounds} rounds…")
    floor, pages, notes = measure_pages(subjects, rounds=args.rounds)
    print("PDF…")
    pdf, note = measure_pdf(subjects)
    notes += [note] if note else []
    print("Imports…")
    imports = {"score grid": measure_grid_import(subjects)}
    history, note = measure_history_import(subjects)
    imports["award history"] = history
    notes += [note] if note else []
    load = None
    if not args.no_load:
        print("Load…")
        outcome = run_load(subjects, clients=args.clients, seconds=args.seconds, port=args.port,
                           workers=args.workers, threads=args.threads)  # fmt: skip
        load = results.load_row(requests=outcome["requests"], errors=outcome["errors"], clients=outcome["clients"],
                                seconds=outcome["seconds"])  # fmt: skip
        print(f"  {outcome['requests']} requests over the key pages, {outcome['errors']} errors")
    document = results.results(
        machine=machine,
        database=database_label(),
        dataset=scale.sizes(),
        floor=floor,
        pages=[results.page_row(page, floor) for page in pages],
        pdf=pdf,
        imports=imports,
        load=load,
        notes=notes,
    )
    results.write(document, args.output)
    print()
    print(results.table(document))
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
