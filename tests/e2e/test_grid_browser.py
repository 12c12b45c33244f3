"""The secretariat's year-end rush in a real browser: keyboard entry in the score grid, each cell
saved as it is left, totals following, a bad value refused at the cell in Vietnamese."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from blocs.models import MemberRole, RoleKind, Score
from blocs.services_scoring import scoring_table_copy, scoring_template_ensure
from tests.e2e.conftest import ARTIFACTS, django_sync
from tests.factories import BlocFactory, MembershipFactory, RoleFactory, RuleSetFactory, UnitFactory, UserFactory

# A browser test commits for real; the flush after it must give back what migrations wrote (award types).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YEAR = 2025
PASSWORD = "mat-khau-e2e-2025"
UNITS = [
    "Văn phòng UBND tỉnh", "Sở Tài chính", "Thanh tra tỉnh", "Sở Nội vụ", "Sở Tư pháp", "Sở Ngoại vụ",
    "Sở Kế hoạch và Đầu tư", "Văn phòng Đoàn ĐBQH & HĐND tỉnh", "Ban Dân tộc tỉnh",
]  # fmt: skip


@pytest.fixture
def nine_unit_bloc(transactional_db):
    bloc = BlocFactory(name="Khối các cơ quan Tham mưu - Tổng hợp", code="tham-muu")
    units = [UnitFactory(name=name, code=f"u{n}") for n, name in enumerate(UNITS)]
    roles = {0: MemberRole.HEAD, 1: MemberRole.DEPUTY}
    for n, unit in enumerate(units):
        MembershipFactory(bloc=bloc, unit=unit, year=YEAR, role=roles.get(n, MemberRole.MEMBER))
    RuleSetFactory(year=YEAR)
    table = scoring_table_copy(source=scoring_template_ensure(), bloc=bloc, year=YEAR)
    secretary = UserFactory(username="thuky", full_name="Phạm Thị Thu Trang", password=PASSWORD)
    RoleFactory(user=secretary, kind=RoleKind.BLOC_SECRETARY, bloc=bloc)
    criteria = {c.code: c for c in table.criteria.all()}
    return bloc, units, criteria


@pytest.mark.e2e
def test_secretary_types_scores_with_the_keyboard(nine_unit_bloc, sign_in, page):
    bloc, units, criteria = nine_unit_bloc
    head, deputy = units[0], units[1]  # the first two rows
    i1, i2, i3 = criteria["I.1"], criteria["I.2"], criteria["I.3"]
    grid = reverse("blocs:score_grid", args=[bloc.pk, YEAR])
    sign_in(page, "thuky", PASSWORD, grid)

    cell = lambda unit, criterion: page.locator(f"#s-{unit.pk}-{criterion.pk}")  # noqa: E731
    status = lambda unit, criterion: page.locator(f"#st-{unit.pk}-{criterion.pk}")  # noqa: E731

    # Across the first row with Tab; each cell is saved when it is left.
    cell(head, i1).click()
    page.keyboard.type("28")
    page.keyboard.press("Tab")
    page.keyboard.type("9,5")
    page.keyboard.press("Tab")
    page.keyboard.type("8")
    # Enter goes down to the same criterion of the next unit.
    page.keyboard.press("Enter")
    expect(cell(deputy, i3)).to_be_focused()
    page.keyboard.type("7.5")
    page.keyboard.press("Shift+Enter")
    expect(cell(head, i3)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(cell(deputy, i3)).to_be_focused()

    for unit, criterion in ((head, i1), (head, i2), (head, i3), (deputy, i3)):
        expect(status(unit, criterion)).to_have_attribute("data-state", "saved")
    expect(page.locator(f"#t-{head.pk}-total")).to_have_text("45,5")
    expect(page.locator(f"#t-{deputy.pk}-total")).to_have_text("7,5")
    expect(cell(head, i2)).to_have_value("9,5")
    expect(cell(head, i1)).to_have_value("28")
    expect(cell(deputy, i3)).to_have_attribute("data-saved", "7,5")  # "7.5" is read as 7,5

    # Over the maximum: refused at the cell, in Vietnamese; what was typed stays.
    cell(deputy, i2).click()
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    reason = "Vượt điểm tối đa: tối đa 10, đã nhập 12."
    expect(status(deputy, i2)).to_have_attribute("data-state", "invalid")
    expect(status(deputy, i2).locator(".cell-msg")).to_have_text(reason)
    expect(cell(deputy, i2)).to_have_value("12")
    expect(cell(deputy, i2)).to_have_attribute("aria-invalid", "true")
    expect(cell(deputy, i2)).to_have_attribute("title", reason)
    expect(page.locator(f"#t-{deputy.pk}-total")).to_have_text("7,5")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "grid.png", full_page=True)

    # Fixing it saves it.
    cell(deputy, i2).fill("9")
    page.keyboard.press("Enter")
    expect(status(deputy, i2)).to_have_attribute("data-state", "saved")
    expect(page.locator(f"#t-{deputy.pk}-total")).to_have_text("16,5")
    expect(cell(deputy, i2)).to_have_attribute("data-saved", "9")

    with django_sync():
        saved = {(s.unit_id, s.criterion.code): s.assessed_value for s in Score.objects.select_related("criterion")}
    assert saved == {
        (head.pk, "I.1"): Decimal(28),
        (head.pk, "I.2"): Decimal("9.5"),
        (head.pk, "I.3"): Decimal(8),
        (deputy.pk, "I.3"): Decimal("7.5"),
        (deputy.pk, "I.2"): Decimal(9),
    }
