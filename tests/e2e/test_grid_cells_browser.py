"""The score grid's cells in a real browser, beyond the keyboard: each save brings the cell's new version
back (so saving the same cell again is no conflict), a change made meanwhile by someone else is shown
at the cell and saving again is then deliberate, the status is tied to its input for screen readers,
and without JavaScript the whole grid is one form."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from blocs.models import RoleKind, Score
from blocs.services_scores import score_set
from blocs.services_scoring import scoring_table_copy, scoring_template_ensure
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, django_sync
from tests.factories import BlocFactory, MembershipFactory, RoleFactory, RuleSetFactory, UnitFactory, UserFactory

# A browser test commits for real; the flush after it must give back what migrations wrote (award types).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YEAR = 2025
PASSWORD = "mat-khau-e2e-2025"


@pytest.fixture
def two_unit_bloc(transactional_db):
    bloc = BlocFactory(name="Khối các cơ quan Nội chính", code="noi-chinh")
    units = [UnitFactory(name=name, code=f"nc{n}") for n, name in enumerate(["Công an tỉnh", "Tòa án nhân dân tỉnh"])]
    for unit in units:
        MembershipFactory(bloc=bloc, unit=unit, year=YEAR)
    RuleSetFactory(year=YEAR)
    table = scoring_table_copy(source=scoring_template_ensure(), bloc=bloc, year=YEAR)
    secretary = UserFactory(username="thuky", full_name="Lê Văn Tâm", password=PASSWORD)
    RoleFactory(user=secretary, kind=RoleKind.BLOC_SECRETARY, bloc=bloc)
    other = UserFactory(username="bankhac", full_name="Trần Thị Hoa")
    criteria = {c.code: c for c in table.criteria.all()}
    return bloc, units, criteria, other


def _assessed(unit, criterion):
    with django_sync():
        return Score.objects.get(unit=unit, criterion=criterion).assessed_value


@pytest.mark.e2e
def test_each_save_brings_the_version_back_and_conflicts_show_at_the_cell(two_unit_bloc, sign_in, page):
    bloc, (police, court), criteria, other = two_unit_bloc
    i1, i2 = criteria["I.1"], criteria["I.2"]
    sign_in(page, "thuky", PASSWORD, reverse("blocs:score_grid", args=[bloc.pk, YEAR]))
    cell = lambda unit, criterion: page.locator(f"#s-{unit.pk}-{criterion.pk}")  # noqa: E731
    status = lambda unit, criterion: page.locator(f"#st-{unit.pk}-{criterion.pk}")  # noqa: E731

    # The input names its unit and criterion, and its status describes it.
    expect(cell(police, i1)).to_have_attribute("aria-label", "Công an tỉnh — I.1")
    expect(cell(police, i1)).to_have_attribute("aria-describedby", f"st-{police.pk}-{i1.pk}")

    # The same cell saved twice: the second save carries the version the first brought back.
    cell(police, i1).fill("20")
    page.keyboard.press("Tab")
    expect(status(police, i1)).to_have_attribute("data-state", "saved")
    expect(cell(police, i1)).to_have_attribute("data-version", "1")
    cell(police, i1).fill("22")
    page.keyboard.press("Tab")
    expect(cell(police, i1)).to_have_attribute("data-version", "2")
    expect(status(police, i1)).to_have_attribute("data-state", "saved")
    assert _assessed(police, i1) == Decimal(22)
    expect(page.locator(f"#t-{police.pk}-total")).to_have_text("22")

    # Someone else saves a cell after the page was opened: typing over it is refused at the cell,
    # which then shows their value; typing again is a deliberate choice, and saves.
    with django_sync():
        score_set(unit=court, criterion=i2, field="assessed", raw_value="6", expected_version=0, user=other)
    cell(court, i2).fill("8")
    page.keyboard.press("Tab")
    expect(status(court, i2)).to_have_attribute("data-state", "conflict")
    expect(status(court, i2).locator(".cell-msg")).to_contain_text("Ô này vừa được Trần Thị Hoa lưu là 6")
    expect(cell(court, i2)).to_have_attribute("aria-invalid", "true")
    expect(cell(court, i2)).to_have_attribute("data-version", "1")
    expect(cell(court, i2)).to_have_value("6")  # the cell was left: it shows the stored value
    assert _assessed(court, i2) == Decimal(6)
    cell(court, i2).fill("8")
    page.keyboard.press("Tab")
    expect(status(court, i2)).to_have_attribute("data-state", "saved")
    expect(cell(court, i2)).not_to_have_attribute("aria-invalid", "true")
    assert _assessed(court, i2) == Decimal(8)


@pytest.mark.e2e
def test_without_javascript_the_grid_is_one_form(two_unit_bloc, live_server):
    bloc, (police, court), criteria, _other = two_unit_bloc
    i1, i3 = criteria["I.1"], criteria["I.3"]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=False, locale="vi-VN")
        page = context.new_page()
        grid = reverse("blocs:score_grid", args=[bloc.pk, YEAR])
        page.goto(f"{live_server.url}{reverse('accounts:login')}?next={grid}")
        page.fill("input[name=username]", "thuky")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}{grid}*")
        page.locator(f"#s-{police.pk}-{i1.pk}").fill("25")
        page.locator(f"#s-{court.pk}-{i3.pk}").fill("7,5")
        page.get_by_role("button", name="Lưu cả bảng").click()
        expect(page.locator("main")).to_contain_text("Đã lưu 2 ô điểm, xóa 0 ô.")
        expect(page.locator(f"#s-{court.pk}-{i3.pk}")).to_have_value("7,5")
        context.close()
        browser.close()
    assert _assessed(police, i1) == Decimal(25)
    assert _assessed(court, i3) == Decimal("7.5")
