"""The scoring sheet on a 360×800 phone: the three scores on one row, the chosen one
ticked, touch targets of at least 44 px, keyboard focus never under a sticky bar, and the
codes named as missing on «Kirim» link to their indicators."""

import re

import pytest
from playwright.sync_api import expect

from rt_registry import roles
from tests import factories
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 800}
CODES = [f"{p}{n}" for p in "BAP" for n in range(1, 8)]

# Bootstrap scrolls smoothly: wait until the page has stood still for a few frames.
SETTLE = """() => new Promise(done => {
  let last = -1, still = 0;
  const tick = () => {
    still = scrollY === last ? still + 1 : 0;
    last = scrollY;
    if (still >= 5) done(); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""

# The visible box of the focused element (a score's label for its hidden radio), and
# whether anything else (a sticky heading or the bottom bar) is drawn over it.
FOCUS_BOX = """() => {
  let el = document.activeElement;
  if (el.classList.contains("btn-check")) el = el.nextElementSibling;
  const box = el.getBoundingClientRect();
  const bar = document.getElementById("sheet-bar").getBoundingClientRect();
  const inset = 3;
  const corners = [[box.left + inset, box.top + inset], [box.right - inset, box.bottom - inset]];
  const covered = corners.some(([x, y]) => {
    const top = document.elementFromPoint(x, y);
    return !top || !(el === top || el.contains(top));
  });
  return {id: el.id || el.getAttribute("for") || el.textContent.trim().slice(0, 30),
          top: box.top, bottom: box.bottom, barTop: bar.top, covered: covered,
          inForm: !!el.closest("#scoring-sheet"), inBar: !!el.closest("#sheet-bar")};
}"""


@pytest.fixture
def proposal(assessor, rt_in_scope):
    colleague = factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI)
    cycle = factories.make_cycle(stage="PENILAIAN")
    team = factories.make_team(cycle=cycle, members=[assessor, colleague])
    return factories.make_proposal(cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team)


@pytest.fixture
def sheet(page, proposal):
    page.set_viewport_size(PHONE)
    login(page, "penilai.uji", factories.PASSWORD)
    page.wait_for_url("**/penilaian/")
    page.goto(f"/penilaian/{proposal.pk}/")
    return page


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_three_scores_sit_on_one_row_for_every_indicator(sheet):
    tops = sheet.eval_on_selector_all(
        ".score-choices",
        "groups => groups.map(g => [...g.querySelectorAll('.score-btn')]"
        ".map(b => Math.round(b.getBoundingClientRect().top)))",
    )

    assert len(tops) == 21
    assert all(len(set(row)) == 1 for row in tops), tops
    assert sheet.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_chosen_score_is_ticked_not_only_coloured(sheet):
    sheet.click("label[for=nilai-B1-1]")

    ticks = sheet.eval_on_selector_all(
        "#indikator-B1 .score-value",
        "els => els.map(e => getComputedStyle(e, '::before').content)",
    )

    assert ["✓" in tick for tick in ticks] == [False, True, False]  # 2, 1, 0


def test_touch_targets_are_at_least_44_px(sheet):
    targets = [
        "label[for=nilai-B1-2]",
        "label[for=nilai-P7-0]",
        ".back-nav a",
        "#indikator-B1 .rubric summary",
        "#indikator-B1 .indicator-note summary",
        "#save-draft",
        "#send-sheet",
        ".navbar-toggler",
    ]
    for selector in targets:
        assert box(sheet, selector)["height"] >= 44, selector
        assert box(sheet, selector)["width"] >= 44, selector

    sheet.click(".navbar-toggler")
    logout = sheet.get_by_role("button", name="Keluar")
    expect(logout).to_be_visible()
    assert logout.bounding_box()["height"] >= 44


# Every control a finger can reach, by its box; a score's radio is hidden behind its label,
# which is the target (checked above), and a form label is not a control of its own.
SMALL_CONTROLS = """() => [...document.querySelectorAll(
    'a, button, summary, select, textarea, input:not(.btn-check):not([type=hidden])')]
  .filter(el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.hidden; })
  .map(el => { const r = el.getBoundingClientRect();
    return [el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 30) || el.id || el.type,
            Math.round(r.width), Math.round(r.height)]; })
  .filter(([, w, h]) => w < 44 || h < 44)"""


def test_no_control_on_the_sheet_is_smaller_than_44_px(sheet):
    # A photo kept on the device brings its "Hapus foto" button along.
    sheet.set_input_files(
        "#indikator-B1 [data-photo-input]",
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": factories.jpeg_bytes()},
    )
    sheet.wait_for_selector("#indikator-B1 [data-device-photos] button")

    assert sheet.evaluate(SMALL_CONTROLS) == []


def test_bottom_bar_is_short_on_a_phone(sheet):
    assert box(sheet, "#sheet-bar")["height"] <= 0.2 * PHONE["height"]
    assert sheet.locator("#save-draft").bounding_box()["y"] == pytest.approx(
        sheet.locator("#send-sheet").bounding_box()["y"]
    )


def test_rubric_opens_with_one_tap(sheet):
    b1 = sheet.locator("#indikator-B1")
    meaning = b1.locator(".rubric dd").first
    expect(meaning).to_be_hidden()

    b1.get_by_text("Arti nilai 2, 1, 0").click()

    expect(meaning).to_be_visible()
    assert b1.locator(".rubric dt").all_text_contents() == ["2 baik", "1 sedang", "0 kurang"]


def test_keyboard_focus_is_never_under_a_sticky_bar(sheet):
    sheet.locator("#visit-date").focus()
    seen = []
    for _ in range(110):  # 21 indicators × (rubric, score, note, Foto) and the rest
        sheet.keyboard.press("Tab")
        sheet.evaluate(SETTLE)
        focus = sheet.evaluate(FOCUS_BOX)
        if not focus["inForm"]:
            break
        seen.append(focus["id"])
        assert not focus["covered"], focus
        assert focus["inBar"] or focus["bottom"] <= focus["barTop"], focus
    for _ in range(30):
        sheet.keyboard.press("Shift+Tab")
        sheet.evaluate(SETTLE)
        focus = sheet.evaluate(FOCUS_BOX)
        assert not focus["covered"], focus
    assert "nilai-P7-2" in seen or "nilai-P7-0" in seen, seen  # walked the whole sheet


def test_missing_codes_on_send_link_to_their_indicators(sheet):
    for code in CODES[:-1]:
        sheet.click(f"label[for=nilai-{code}-2]")

    sheet.click("#send-sheet")
    link = sheet.locator("#sheet-notice a", has_text="P7")
    expect(link).to_have_attribute("href", "#indikator-P7")
    link.click()

    expect(sheet).to_have_url(re.compile(r"#indikator-P7$"))
    sheet.evaluate(SETTLE)
    target = box(sheet, "#indikator-P7 legend")
    heading = box(sheet, ".pillar-PINTAR .pillar-heading")
    assert target["y"] >= heading["y"] + heading["height"] - 1
    assert target["y"] + target["height"] <= box(sheet, "#sheet-bar")["y"]


def test_menu_button_opens_and_closes_the_menu_by_keyboard_and_says_so(sheet):
    toggler = sheet.locator(".navbar-toggler")
    logout = sheet.get_by_role("button", name="Keluar")
    expect(logout).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    toggler.focus()
    sheet.keyboard.press("Enter")
    expect(logout).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")

    logout.focus()
    sheet.keyboard.press("Escape")
    expect(logout).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(toggler).to_be_focused()


def test_no_control_on_the_list_is_smaller_than_44_px(sheet):
    sheet.goto("/penilaian/")
    sheet.wait_for_selector("#offline-panel[data-prepared=ya]")

    assert sheet.evaluate(SMALL_CONTROLS) == []
