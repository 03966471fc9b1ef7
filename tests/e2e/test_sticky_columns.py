"""Browser, 768 px (a tablet held upright): on the recap, the decisions page and the
payment list the RT column stays in view after the table is scrolled sideways to its
end (issue 9 §4, sticky columns)."""

import pytest

from awards.issuing import create_awards
from tests import factories
from tests.e2e.conftest import login

WINNERS = [("Buluran Kenali", 5, 132, "Hj. Siti Aminah"), ("Kenali Asam", 3, 40, "Rudi")]
LOSERS = [("Telanaipura", 9, 60)]

# The RT cell's centre, and what the browser draws there.
DRAWN_AT_CENTRE = """cell => {
    const r = cell.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return cell.contains(hit);
}"""


@pytest.fixture
def cycle(admin_dpmppa, assessor):
    return factories.make_decided_cycle(
        winners=WINNERS, losers=LOSERS, assessor=assessor, by=admin_dpmppa
    )


def scroll_to_the_end_and_check_first_column(page, *, box_selector, cell_selector, text):
    box = page.locator(box_selector).first
    box.scroll_into_view_if_needed()
    overflow = box.evaluate("b => b.scrollWidth - b.clientWidth")
    assert overflow > 40, f"{box_selector} does not scroll sideways at 768 px ({overflow}px)"
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    assert box.evaluate("b => b.scrollLeft") > 40
    cell = page.locator(cell_selector, has_text=text).first
    inside, shown = box.bounding_box(), cell.bounding_box()
    assert shown["x"] >= inside["x"] - 1
    assert shown["x"] + shown["width"] <= inside["x"] + inside["width"] + 1
    # Not only in place but drawn on top of the columns scrolling beneath it.
    assert cell.evaluate(DRAWN_AT_CENTRE)
    assert text in cell.inner_text()


def test_rt_column_stays_in_view_after_sideways_scroll_at_768px(
    page, live_server, cycle, admin_dpmppa
):
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, "admin.uji", factories.PASSWORD)
    page.wait_for_url("**/dasbor/")

    page.goto(f"/rekap/{cycle.pk}/")
    scroll_to_the_end_and_check_first_column(
        page, box_selector=".recap-scroll", cell_selector="td.stick-start", text="Buluran Kenali"
    )

    page.goto(f"/rapat/{cycle.pk}/keputusan/")
    scroll_to_the_end_and_check_first_column(
        page,
        box_selector=".table-responsive",
        cell_selector="td.stick-start",
        text="Buluran Kenali",
    )

    # The payment list: one award per winner (made with the draft SK).
    create_awards(cycle=cycle, by=admin_dpmppa)
    page.goto(f"/admin/awards/award/?cycle__id__exact={cycle.pk}")
    scroll_to_the_end_and_check_first_column(
        page,
        box_selector="#changelist-form .results",
        cell_selector="#result_list tbody .field-rt_label",
        text="RT 05",
    )
