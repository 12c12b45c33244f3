"""Long documents rendered in the background (Django tasks; the tests' backend runs a task at once):
the task stores the same bytes as the direct path, the progress and status page, who may see and
download a job, failures in Vietnamese, and the worker `make run` starts."""

import hashlib
import re
import shlex
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import jobs
from reports.models import JobStatus, RenderJob
from reports.pipeline import render_pdf, render_xlsx
from tests.factories import RoleFactory, UserFactory
from tests.reports import YEAR, done_job, year_records

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def province(world, media):
    year_records(world["bloc_a"], [world["unit_a1"], world["unit_a2"], world["unit_a3"]])
    year_records(world["bloc_b"], [world["unit_b1"], world["unit_b2"]])


@pytest.fixture
def reviewer(world):
    user = UserFactory(username="tham-dinh")
    RoleFactory(user=user, kind="board_reviewer")
    return user


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """job_start as a request runs it: the task is queued (and, in tests, run) once the job is committed."""

    def run(**kwargs) -> RenderJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.job_start(**kwargs)
        job.refresh_from_db()
        return job

    return run


def test_the_task_is_queued_once_the_job_is_committed(province, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        job = jobs.job_start(document="review-pdf", year=YEAR, user=reviewer)
    job.refresh_from_db()
    assert (job.status, job.progress, job.task_id, len(queued)) == (JobStatus.QUEUED, 0, "", 1)
    queued[0]()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.task_id


@pytest.mark.parametrize(
    ("document", "direct"),
    [
        ("review-pdf", lambda: render_pdf("review", year=YEAR)),
        ("review-xlsx", lambda: render_xlsx("review", year=YEAR)),
        ("bundle-pdf", lambda: render_pdf("bundle", year=YEAR)),
    ],
    ids=["review-pdf", "review-xlsx", "bundle-pdf"],
)
def test_the_task_stores_the_same_bytes_as_the_direct_path(document, direct, province, reviewer, start):
    job = start(document=document, year=YEAR, user=reviewer)
    assert (job.status, job.progress, job.error) == (JobStatus.DONE, 100, "")
    with job.file.open("rb") as handle:
        data = handle.read()
    assert data == direct()
    assert (job.size, job.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert job.filename == {"review-pdf": "tong-hop-tham-dinh-2025.pdf", "review-xlsx": "tong-hop-tham-dinh-2025.xlsx",
                            "bundle-pdf": "tap-bao-cao-tong-ket-2025.pdf"}[document]  # fmt: skip
    assert job.task_id
    assert job.started_at <= job.finished_at
    assert job.params == {"year": YEAR}
    assert job.requested_by == reviewer


def test_progress_is_written_as_the_rendering_goes(province, reviewer, monkeypatch, start):
    seen = []

    def render(job, progress):
        progress(37, "Đang dàn trang PDF")
        current = RenderJob.objects.get(pk=job.pk)
        seen.append((current.status, current.progress, current.message))
        progress(250, "quá tay")  # never past 99 before the file is stored
        seen.append(RenderJob.objects.values_list("progress", flat=True).get(pk=job.pk))
        return b"%PDF-1.7\n%%EOF\n"

    monkeypatch.setattr(jobs, "render", render)
    job = start(document="review-pdf", year=YEAR, user=reviewer)
    assert seen == [(JobStatus.RUNNING, 37, "Đang dàn trang PDF"), 99]
    assert (job.status, job.progress) == (JobStatus.DONE, 100)


def test_a_document_that_cannot_be_made_fails_with_the_reason_in_vietnamese(world, media, reviewer, start):
    job = start(document="review-pdf", year=2030, user=reviewer)
    assert job.status == JobStatus.FAILED
    assert job.error == "Năm 2030 chưa có hồ sơ đề nghị khen thưởng nào nên chưa có bảng tổng hợp thẩm định."
    assert not job.file and not list(media.rglob("*.*")) if media.exists() else True


def test_an_unexpected_error_fails_the_job_with_a_vietnamese_message_and_is_logged(
    province, reviewer, monkeypatch, caplog, start
):
    def broken(job, progress):
        raise RuntimeError("weasyprint exploded")

    monkeypatch.setattr(jobs, "render", broken)
    job = start(document="bundle-pdf", year=YEAR, user=reviewer)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Lỗi hệ thống khi lập văn bản; hãy thử lại sau")
    assert "weasyprint exploded" in caplog.text


def test_a_second_delivery_of_the_task_does_nothing(province, reviewer, start):
    job = start(document="review-xlsx", year=YEAR, user=reviewer)
    before = (job.sha256, job.finished_at, job.file.name)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert (job.sha256, job.finished_at, job.file.name) == before


def test_only_the_board_starts_a_job_and_the_choice_is_checked(world, media, viewer, secretary_a, board):
    for user in (viewer, secretary_a):
        with pytest.raises(PermissionDenied):
            jobs.job_start(document="review-pdf", year=YEAR, user=user)
    with pytest.raises(ValidationError, match="Hãy chọn một văn bản"):
        jobs.job_start(document="decision-pdf", year=YEAR, user=board)
    with pytest.raises(ValidationError, match="Năm phải từ 2000 đến 2100"):
        jobs.job_start(document="review-pdf", year=1999, user=board)
    assert not RenderJob.objects.exists()


def test_the_jobs_page_starts_a_job_and_shows_its_status(
    province, client_for, board, django_capture_on_commit_callbacks
):
    client = client_for(board)
    page = client.get(reverse("reports:jobs")).content.decode()
    assert 'value="bundle-pdf"' in page
    assert 'value="review-xlsx"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:jobs"), {"document": "review-pdf", "year": str(YEAR)})
    job = RenderJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:job", kwargs={"job_pk": job.pk})
    listed = client.get(reverse("reports:jobs")).content.decode()
    assert "Bảng tổng hợp kết quả thẩm định (PDF, khổ ngang)" in listed
    assert "Đã xong" in listed
    bad = client.post(reverse("reports:jobs"), {"document": "review-pdf", "year": "hai nghìn"}).content.decode()
    assert "Nhập năm là một số, ví dụ 2025." in bad
    assert RenderJob.objects.count() == 1


def _status(client, job, htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(reverse("reports:job", kwargs={"job_pk": job.pk}), **headers).content.decode()


def test_the_status_page_polls_every_two_seconds_until_the_job_is_done(world, media, client_for, board, reviewer):
    job = RenderJob.objects.create(kind="review", fmt="pdf", params={"year": YEAR}, requested_by=reviewer)
    client = client_for(board)
    page = _status(client, job)
    assert 'hx-trigger="every 2s"' in page
    assert f'hx-get="{reverse("reports:job", kwargs={"job_pk": job.pk})}"' in page
    assert "Đang chờ" in page
    assert "progress-bar job-w-0" in page
    assert 'href="/static/css/jobs.css"' in page or "css/jobs." in page
    RenderJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=37, message="Đang dàn trang PDF")
    fragment = _status(client, job, htmx=True)
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="job-status"')
    assert "progress-bar job-w-35" in fragment
    assert 'aria-valuenow="37"' in fragment
    assert "Đang dàn trang PDF" in fragment
    assert 'hx-trigger="every 2s"' in fragment
    assert 'style="' not in fragment  # the width is a class: no inline style under the CSP
    finished = done_job(reviewer)
    fragment = _status(client, finished, htmx=True)
    assert "hx-trigger" not in fragment  # done: the polling stops
    assert reverse("reports:job_download", kwargs={"job_pk": finished.pk}) in fragment
    assert "progress-bar job-w-100" in fragment


def test_a_failed_job_says_why_and_stops_polling(world, client_for, board, reviewer):
    job = RenderJob.objects.create(
        kind="review", fmt="pdf", params={"year": 2030}, requested_by=reviewer, status=JobStatus.FAILED,
        error="Năm 2030 chưa có hồ sơ đề nghị khen thưởng nào nên chưa có bảng tổng hợp thẩm định.",
    )  # fmt: skip
    page = _status(client_for(board), job)
    assert "Không lập được văn bản: Năm 2030 chưa có hồ sơ đề nghị khen thưởng nào" in page
    assert "hx-trigger" not in page
    assert "job_download" not in page


def test_a_job_waiting_long_says_the_worker_may_not_be_running(world, client_for, board, reviewer):
    job = RenderJob.objects.create(kind="bundle", fmt="pdf", params={"year": YEAR}, requested_by=reviewer)
    RenderJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert "bộ xử lý nền (manage.py db_worker) chưa chạy" in _status(client_for(board), job)


def test_the_requester_and_the_board_see_and_download_a_job_nobody_else(
    world, media, client_for, board, reviewer, viewer, secretary_a, secretary_b
):
    data = b"%PDF-1.7\n% tong hop\n%%EOF\n"
    job = done_job(reviewer, data=data)
    urls = [reverse(name, kwargs={"job_pk": job.pk}) for name in ("reports:job", "reports:job_download")]
    for user in (reviewer, board):
        client = client_for(user)
        assert [client.get(url).status_code for url in urls] == [200, 200]
    download = client_for(reviewer).get(urls[1])
    assert b"".join(download.streaming_content) == data
    assert "tong-hop-tham-dinh-2025.pdf" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    for user in (viewer, secretary_a, secretary_b):
        assert [client_for(user).get(url).status_code for url in urls] == [404, 404]
    assert client_for(None).get(urls[0]).status_code == 302
    # A job someone asked while they held a board role stays theirs (the requester) and the board's.
    own = done_job(secretary_a)
    own_urls = [reverse(name, kwargs={"job_pk": own.pk}) for name in ("reports:job", "reports:job_download")]
    assert [client_for(secretary_a).get(url).status_code for url in own_urls] == [200, 200]
    assert [client_for(secretary_b).get(url).status_code for url in own_urls] == [404, 404]


def test_a_tampered_or_unfinished_file_is_not_served(world, media, client_for, board, reviewer):
    job = done_job(reviewer)
    (media / job.file.name).write_bytes(b"%PDF-1.7 altered")
    assert client_for(board).get(reverse("reports:job_download", kwargs={"job_pk": job.pk})).status_code == 404
    waiting = RenderJob.objects.create(kind="review", fmt="pdf", params={"year": YEAR}, requested_by=reviewer)
    assert client_for(board).get(reverse("reports:job_download", kwargs={"job_pk": waiting.pk})).status_code == 404


def test_make_run_starts_the_worker_the_systemd_unit_runs():
    """`make run` runs db_worker beside the server with the production unit's queue and interval, and
    stops it when the server stops."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    started = re.search(r"manage\.py (db_worker [^&]*)&", recipe).group(1).split()
    unit = (ROOT / "deploy" / "systemd" / "thidua-worker.service").read_text(encoding="utf-8")
    exec_start = shlex.split(re.search(r"^ExecStart=(.*)$", unit, re.M).group(1))
    assert [arg.replace("'", "") for arg in started] == exec_start[exec_start.index("db_worker") :]
    assert "trap 'kill $$worker" in recipe
    assert recipe.index("db_worker") < recipe.index("runserver")
