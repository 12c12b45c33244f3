"""Journey 3, the provincial board's review: the board's administrator filters the review queue to the
provincial certificates of 2025, takes the newly submitted ones into review together, opens one with its
dossier beside the checks and returns it with a reason, approves the rest, records the chairman's
decision and attaches the approved nominations, after which each unit's page shows the award.
"""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from awards.management.commands.seed_demo import DEMO_PASSWORD
from awards.models import AwardDecision, Nomination, ReviewEvent, State
from tests.e2e.conftest import ARTIFACTS, django_sync
from units.models import Award

# A browser test commits for real; the flush after it must give back what migrations wrote (award types).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YEAR = 2025
AWARD = "bk-chu-tich-tinh"
AWARD_NAME = "Bằng khen của Chủ tịch UBND tỉnh"
RETURN_REASON = "Bổ sung báo cáo thành tích có xác nhận của Thủ trưởng cơ quan chủ quản."


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"journey3-{name}.png", full_page=True)


@pytest.fixture
def demo_province(transactional_db):
    call_command("seed_demo", verbosity=0)
    nominations = Nomination.objects.filter(year=YEAR, award_type__code=AWARD)
    states = {state: set(nominations.filter(state=state).values_list("pk", flat=True)) for state in State.values}
    assert states[State.SUBMITTED]
    assert states[State.UNDER_REVIEW]
    return states


def queue(page, live_server, **filters) -> None:
    query = "&".join(f"{key}={value}" for key, value in {"nam": YEAR, **filters}.items())
    page.goto(f"{live_server.url}{reverse('awards:review_queue')}?{query}")


def bulk(page, action_label: str, reason: str = "") -> None:
    page.locator(".js-select-all").check()
    page.locator("#bulk-action").select_option(label=action_label)
    if reason:
        page.locator("#bulk-reason").fill(reason)
    page.locator("#bulk-form").get_by_role("button", name="Thực hiện").click()


@pytest.mark.e2e
def test_board_review_and_decision(demo_province, sign_in, page, live_server):
    states = demo_province
    with django_sync():
        award_type_pk = Nomination.objects.filter(award_type__code=AWARD).values_list("award_type", flat=True)[0]

    sign_in(page, "bankt", DEMO_PASSWORD, reverse("awards:review_queue"))

    # The queue, filtered in the form: the provincial certificates waiting for the board.
    queue(page, live_server)
    page.locator("#f-hinh-thuc").select_option(label=AWARD_NAME)
    page.locator("#f-trang-thai").select_option(value="cho_xu_ly")
    page.get_by_role("button", name="Lọc").click()
    waiting = states[State.SUBMITTED] | states[State.UNDER_REVIEW]
    expect(page.locator("#bulk-form tbody tr")).to_have_count(len(waiting))
    shot(page, "1-queue")

    # The newly submitted ones are taken into review together.
    queue(page, live_server, hinh_thuc=award_type_pk, trang_thai=State.SUBMITTED)
    expect(page.locator("#bulk-form tbody tr")).to_have_count(len(states[State.SUBMITTED]))
    bulk(page, "Bắt đầu thẩm định")
    expect(page.locator(".alert-success").first).to_be_visible()
    with django_sync():
        assert (
            set(Nomination.objects.filter(pk__in=waiting, state=State.UNDER_REVIEW).values_list("pk", flat=True))
            == waiting
        )

    # One opened beside its dossier, the checks, the ballot and five years of ratings: returned with a reason.
    queue(page, live_server, hinh_thuc=award_type_pk, trang_thai=State.UNDER_REVIEW)
    page.locator("#bulk-form tbody tr a").first.click()
    expect(page.locator("main")).to_contain_text("Biên bản họp bình xét")
    dossier = page.locator("main a[href*='/tai-lieu/']").first
    with page.expect_download() as download_info:
        dossier.click()
    assert download_info.value.path().read_bytes().startswith(b"%PDF")
    shot(page, "2-review")
    returned_pk = int(page.url.rstrip("/").split("?")[0].rstrip("/").split("/")[-1])
    page.locator("#review-reason").fill(RETURN_REASON)
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    with django_sync():
        returned = Nomination.objects.get(pk=returned_pk)
        assert returned.state == State.RETURNED
        assert ReviewEvent.objects.filter(nomination=returned).last().reason == RETURN_REASON

    # The rest approved together.
    queue(page, live_server, hinh_thuc=award_type_pk, trang_thai=State.UNDER_REVIEW)
    expect(page.locator("#bulk-form tbody tr")).to_have_count(len(waiting) - 1)
    bulk(page, "Đủ điều kiện")
    expect(page.locator(".alert-success").first).to_be_visible()
    with django_sync():
        approved = set(
            Nomination.objects.filter(year=YEAR, award_type__code=AWARD, state=State.APPROVED).values_list(
                "pk", flat=True
            )
        )
    assert approved == states[State.APPROVED] | (waiting - {returned_pk})
    shot(page, "3-approved")

    # The chairman's decision, recorded and given the approved nominations.
    page.goto(live_server.url + reverse("awards:decision_create"))
    page.locator("input[name=number]").fill("215/QĐ-UBND")
    page.locator("input[name=date]").fill("2026-03-20")
    page.locator("input[name=signer]").fill("Hà Sỹ Đồng")
    page.locator("input[name=signer_title]").fill("Phó Chủ tịch UBND tỉnh")
    page.locator("select[name=award_type]").select_option(label=AWARD_NAME)
    page.locator("input[name=year]").fill(str(YEAR))
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("215/QĐ-UBND")
    page.locator("#check-all").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action='{reverse('awards:decision_attach', args=[_decision_pk(page)])}'] button").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    shot(page, "4-decision")
    with django_sync():
        decision = AwardDecision.objects.get(number="215/QĐ-UBND")
        assert decision.date == date(2026, 3, 20)
        decided = list(Nomination.objects.filter(decision=decision).select_related("unit"))
        assert {n.pk for n in decided} == approved
        assert {n.state for n in decided} == {State.DECIDED}
        awards = Award.objects.filter(year=YEAR, award_type__code=AWARD, unit__in=[n.unit for n in decided])
        assert awards.count() == len(decided)

    # Each unit's page shows the award with the decision's number.
    unit = decided[0].unit
    page.goto(live_server.url + reverse("blocs:unit_detail", args=[unit.pk]))
    expect(page.locator("main")).to_contain_text("215/QĐ-UBND")
    expect(page.locator("main")).to_contain_text(AWARD_NAME)
    shot(page, "5-unit")


def _decision_pk(page) -> int:
    return int(page.url.rstrip("/").split("/")[-1])
