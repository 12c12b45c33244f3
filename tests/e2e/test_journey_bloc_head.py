"""Journey 2, the bloc head's year end: the head of the demo bloc checks the year's overview, submits the
nominations the meeting voted for (their dossiers complete), then issues the year-end summary report and
the meeting minutes and downloads the archived PDFs, which read as the records say.
"""

import hashlib
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from awards.management.commands.seed_demo import DEMO_PASSWORD
from awards.models import Nomination, State
from blocs.models import Bloc, Membership
from reports.models import IssuedDocument
from tests.e2e.conftest import ARTIFACTS, django_sync

# A browser test commits for real; the flush after it must give back what migrations wrote (award types).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YEAR = 2025
BLOC_CODE = "tham-muu-tong-hop"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"journey2-{name}.png", full_page=True)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def demo_province(transactional_db):
    call_command("seed_demo", verbosity=0)
    bloc = Bloc.objects.get(code=BLOC_CODE)
    nominations = list(Nomination.objects.filter(bloc=bloc, year=YEAR).select_related("unit", "award_type"))
    members = list(Membership.objects.filter(bloc=bloc, year=YEAR).select_related("unit"))
    assert nominations, "the demo leaves the bloc's nominations for its head to submit"
    assert {n.state for n in nominations} == {State.DRAFT}
    return bloc, nominations, members


@pytest.mark.e2e
def test_bloc_head_year_end(demo_province, sign_in, page, live_server, tmp_path):
    bloc, nominations, members = demo_province
    url = lambda name, *args: live_server.url + reverse(name, args=args)  # noqa: E731

    # Signs in and checks the year's overview.
    sign_in(page, "khoitruong", DEMO_PASSWORD, reverse("blocs:year", args=[bloc.pk, YEAR]))
    expect(page.locator("h1")).to_contain_text(bloc.name)
    shot(page, "1-overview")

    # Submits every nomination: each page shows its checks, all blocking ones met, and the submit button.
    page.goto(url("awards:bloc_list", bloc.pk, YEAR))
    shot(page, "2-nominations")
    for nomination in nominations:
        page.goto(url("awards:detail", nomination.pk))
        expect(page.locator("main")).to_contain_text(nomination.unit.name)
        page.get_by_role("button", name="Trình hồ sơ").click()
        expect(page.locator(".alert-success").first).to_contain_text("Trình hồ sơ")
    shot(page, "3-submitted")
    with django_sync():
        assert set(Nomination.objects.filter(bloc=bloc, year=YEAR).values_list("state", flat=True)) == {State.SUBMITTED}

    # Issues the year-end summary report and the minutes, and downloads the archived copies.
    downloads = {}
    for slug, title in (("bao-cao-tong-ket", "BÁO CÁO"), ("bien-ban", "BIÊN BẢN")):
        page.goto(url("reports:preview", bloc.pk, YEAR, slug))
        expect(page.locator("main")).to_contain_text(title)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Ban hành").click()
        expect(page.locator(".alert-success").first).to_be_visible()
        shot(page, f"4-issued-{slug}")
        with django_sync():
            issued = IssuedDocument.objects.filter(bloc=bloc, year=YEAR).order_by("-pk").first()
        with page.expect_download() as download_info:
            page.locator(f"a[href='{reverse('reports:issued_download', args=[issued.pk])}']").first.click()
        path = tmp_path / f"{slug}.pdf"
        download_info.value.save_as(path)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == issued.sha256
        downloads[slug] = pdf_text(path)

    report, minutes = downloads["bao-cao-tong-ket"], downloads["bien-ban"]
    for text in (report, minutes):
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO" in report
    assert "BIÊN BẢN" in minutes
    flat_report = " ".join(report.split())
    for membership in members:
        assert membership.unit.name in flat_report or (membership.unit.short_name or "@@") in flat_report
    flat_minutes = " ".join(minutes.split())
    for nomination in nominations:
        assert nomination.unit.name in flat_minutes
