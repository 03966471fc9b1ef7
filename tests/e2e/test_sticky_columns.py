"""Browser, 1366 px (an office laptop) and 768 px (a tablet held upright): on the recap,
the decisions page and the payment list the RT, Total, % and the verdict stay in view
whichever end the table is scrolled to sideways, drawn on top of the columns scrolling
beneath them (issue 9 §4, sticky columns; the CSS in static/css/bantar.css, admin.css)."""

import pytest

from awards.issuing import create_awards
from tests import factories
from tests.e2e.conftest import login

WINNERS = [("Buluran Kenali", 5, 132, "Hj. Siti Aminah"), ("Kenali Asam", 3, 40, "Rudi")]
LOSERS = [("Telanaipura", 9, 60)]
SCREENS = {"1366px": (1366, 768), "768px": (768, 1024)}

# The cell's centre, and what the browser draws there.
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


def assert_in_view_at_both_ends(page, *, box_selector, row_text, cells, must_scroll):
    """`cells`: (name, selector inside the row, text the user reads there). After the box
    is scrolled sideways to its start and to its end, each cell lies inside the box, is
    drawn on top at its centre, and no two of them overlap."""
    box = page.locator(box_selector).first
    box.scroll_into_view_if_needed()
    overflow = box.evaluate("b => b.scrollWidth - b.clientWidth")
    if must_scroll:
        assert overflow > 40, f"{box_selector} does not scroll sideways ({overflow}px)"
    row = page.locator("tbody tr", has_text=row_text).first
    for end, scroll_left in (("awal", "0"), ("akhir", "b.scrollWidth")):
        box.evaluate(f"b => {{ b.scrollLeft = {scroll_left}; }}")
        if must_scroll and end == "akhir":
            assert box.evaluate("b => b.scrollLeft") > 40
        inside = box.bounding_box()
        spans = []
        for name, selector, text in cells:
            cell = row.locator(selector).first
            shown = cell.bounding_box()
            left, right = shown["x"], shown["x"] + shown["width"]
            where = f"{name} ({box_selector}, digeser ke {end}): {left:.0f}–{right:.0f}"
            assert left >= inside["x"] - 1, where
            assert right <= inside["x"] + inside["width"] + 1, where
            # Not only in place but drawn on top of the columns scrolling beneath it.
            assert cell.evaluate(DRAWN_AT_CENTRE), where
            assert text in cell.inner_text(), where
            spans.append((left, right, name))
        spans.sort()
        for (_, right, name), (left, _, next_name) in zip(spans, spans[1:], strict=False):
            assert right <= left + 1, f"{name} menutupi {next_name} (digeser ke {end})"


def first_pk(page):
    return page.locator("tbody tr").first.get_attribute("id").removeprefix("keputusan-")


def log_in_on(page, screen):
    width, height = SCREENS[screen]
    page.set_viewport_size({"width": width, "height": height})
    login(page, "admin.uji", factories.PASSWORD)
    page.wait_for_url("**/dasbor/")


@pytest.mark.parametrize("screen", SCREENS)
def test_recap_keeps_rt_total_percent_and_verdict_in_view(page, live_server, cycle, screen):
    log_in_on(page, screen)
    # 21 indicator columns scroll between RT and the four columns at the right.
    page.goto(f"/rekap/{cycle.pk}/")
    assert_in_view_at_both_ends(
        page,
        box_selector=".recap-scroll",
        row_text="Buluran Kenali",
        cells=[
            ("RT", "td.stick-start", "RT 05"),
            ("Total", "td.stick-end-4", "42,00"),
            ("%", "td.stick-end-3", "100,00"),
            ("Hasil", "td.stick-end-2", "Memenuhi"),
            ("Keputusan", "td.stick-end-1", "Memenuhi kriteria"),
        ],
        must_scroll=True,
    )
    # The verdict's column holds "Tidak memenuhi" without covering the % beside it.
    assert_in_view_at_both_ends(
        page,
        box_selector=".recap-scroll",
        row_text="RT 09",
        cells=[
            ("%", "td.stick-end-3", "50,00"),
            ("Hasil", "td.stick-end-2", "Tidak memenuhi"),
        ],
        must_scroll=True,
    )


@pytest.mark.parametrize("screen", SCREENS)
def test_decisions_keep_rt_total_percent_and_verdict_in_view(page, live_server, cycle, screen):
    log_in_on(page, screen)
    # At 1366 px the whole row fits; on the tablet the decision and its reason scroll
    # beside RT, Total, % and the rule's verdict.
    page.goto(f"/rapat/{cycle.pk}/keputusan/")
    assert_in_view_at_both_ends(
        page,
        box_selector=".table-responsive",
        row_text="RT 09",
        cells=[
            ("RT", "td.stick-start >> nth=0", "RT 09"),
            ("Total", "td.stick-start-2", "21,00"),
            ("%", "td.stick-start-3", "50,00"),
            ("Menurut aturan", "td.stick-start-4", "Tidak memenuhi"),
        ],
        must_scroll=screen == "768px",
    )
    if screen == "768px":
        # Keyboard: from the first row's reason, Tab goes to the next row's decision,
        # which the box scrolls back into view beside the sticky columns, not under them.
        page.locator("#keputusan-" + first_pk(page) + " textarea").focus()
        page.keyboard.press("Tab")
        focused = page.locator("input[type=radio]:focus")
        assert focused.count() == 1
        assert focused.evaluate(DRAWN_AT_CENTRE), "Pilihan keputusan tertutup kolom tetap"
    if screen == "1366px":
        box = page.locator(".table-responsive")
        overflow = box.evaluate("b => b.scrollWidth - b.clientWidth")
        assert overflow <= 1, f"Tabel keputusan harus digeser {overflow}px pada 1366 px"


@pytest.mark.parametrize("screen", SCREENS)
def test_payment_list_keeps_rt_prize_and_status_in_view(
    page, live_server, cycle, admin_dpmppa, screen
):
    # One award per winner (made with the draft SK). No total or % here: what the
    # finance clerk reads across the row is the prize and whether it has been paid.
    create_awards(cycle=cycle, by=admin_dpmppa)
    log_in_on(page, screen)
    page.goto(f"/admin/awards/award/?cycle__id__exact={cycle.pk}")
    assert_in_view_at_both_ends(
        page,
        box_selector="#changelist-form .results",
        row_text="Buluran Kenali",
        cells=[
            ("RT", ".field-rt_label", "RT 05"),
            ("Uang pembinaan", ".field-prize", "Rp 10.000.000"),
            ("Status pembayaran", ".field-payment_status", "Belum dibayar"),
        ],
        must_scroll=True,
    )
    # The total under the title is not covered by the buttons beside it.
    total = page.locator("#content h2", has_text="Jumlah uang pembinaan").bounding_box()
    tools = page.locator(".object-tools").bounding_box()
    apart = (
        tools["y"] >= total["y"] + total["height"]
        or tools["y"] + tools["height"] <= total["y"]
        or tools["x"] >= total["x"] + total["width"]
    )
    assert apart, (total, tools)
