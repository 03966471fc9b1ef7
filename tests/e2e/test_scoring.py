"""An assessor scores on a tablet: taps, loses the connection, reloads, sends."""

import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from assessments import scoring
from assessments.models import Assessment, Indicator
from rt_registry import roles
from tests import factories
from tests.e2e.conftest import login
from tests.e2e.test_offline import device, wait_for_copy

# The live server's flush would drop the migrated kelurahan and indicators for later tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def proposal(assessor, rt_in_scope):
    colleague = factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI)
    cycle = factories.make_cycle(stage="PENILAIAN")
    team = factories.make_team(cycle=cycle, members=[assessor, colleague])
    return factories.make_proposal(cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team)


def codes(pillar_letter):
    return [f"{pillar_letter}{n}" for n in range(1, 8)]


def tap(page, code, value):
    page.click(f"label[for=nilai-{code}-{value}]")


def checked_codes(page):
    return page.eval_on_selector_all(
        "input.btn-check:checked", "els => els.map(e => e.id.split('-')[1])"
    )


def no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def open_sheet(page, proposal, viewport=TABLET):
    page.set_viewport_size(viewport)
    login(page, "penilai.uji", factories.PASSWORD)
    page.wait_for_url("**/penilaian/")
    page.goto(f"/penilaian/{proposal.pk}/")


def test_assessor_scores_offline_reloads_and_sends_on_a_tablet(page, browser_context, proposal):
    open_sheet(page, proposal)
    assert no_sideways_scroll(page)
    button = page.locator("label[for=nilai-B1-2]").bounding_box()
    assert button["height"] >= 44 and button["width"] >= 44

    for code in codes("B"):
        tap(page, code, 2)
    assert page.text_content("[data-subtotal=BERSIH]") == "14"
    page.click("#save-draft")
    page.wait_for_selector("#sheet-notice.alert-success")
    draft = Assessment.objects.get()
    assert (draft.status, draft.scores.count()) == ("DRAFT", 7)

    browser_context.set_offline(True)
    for code in codes("A"):
        tap(page, code, 1)
    page.click("#save-draft")
    page.wait_for_selector("text=Tidak ada koneksi")
    assert page.text_content("#total") == "21"

    # The server stays unreachable for saves while the page comes back online and
    # reloads, so what comes back can only come from the browser copy.
    save_url = f"**/penilaian/{proposal.pk}/simpan/"
    page.route(save_url, lambda route: route.abort())
    browser_context.set_offline(False)
    page.reload()
    page.wait_for_selector("text=dipulihkan dari perangkat ini")
    assert sorted(checked_codes(page)) == sorted(codes("B") + codes("A"))
    assert page.text_content("[data-subtotal=AMAN]") == "7"
    assert Assessment.objects.get().scores.count() == 7
    page.unroute(save_url)

    for code in codes("P"):
        tap(page, code, 0)
    assert page.text_content("#total") == "21"
    page.click("#send-sheet")
    page.click("#send-confirm-yes")
    page.wait_for_selector("#sheet-status:has-text('Terkirim')")

    sheet = Assessment.objects.get()
    assert sheet.status == Assessment.Status.SENT
    assert (
        sheet.scores.count()
        == Indicator.objects.filter(indicator_set=proposal.cycle.indicator_set).count()
        == 21
    )
    assert sum(s.value for s in sheet.scores.all()) == 21
    assert device(page) == {"copies": [], "outbox": []}
    assert page.is_disabled("#nilai-B1-2")


def test_send_with_missing_indicators_is_stopped_in_the_browser(page, proposal):
    open_sheet(page, proposal)
    tap(page, "B1", 2)
    page.click("#send-sheet")
    page.wait_for_selector("text=Belum dinilai: B2")
    assert page.is_hidden("#send-confirm")
    assert Assessment.objects.count() == 0


def test_expired_session_asks_to_log_in_again_and_keeps_the_answers(
    page, browser_context, proposal
):
    open_sheet(page, proposal)
    tap(page, "B1", 2)
    tap(page, "B2", 1)
    browser_context.clear_cookies(name="sessionid")
    page.click("#save-draft")
    page.wait_for_selector("#login-again:visible")
    assert Assessment.objects.count() == 0

    with browser_context.expect_page() as new_tab:
        page.click("#login-again a")
    login_tab = new_tab.value
    login_tab.fill("#id_username", "penilai.uji")
    login_tab.fill("#id_password", factories.PASSWORD)
    login_tab.click("button[type=submit]")
    login_tab.wait_for_url(f"**/penilaian/{proposal.pk}/")
    login_tab.close()

    page.click("#save-draft")
    page.wait_for_selector("#sheet-notice.alert-success")
    assert page.is_hidden("#login-again")
    sheet = Assessment.objects.get()
    assert sorted(sheet.scores.values_list("value", flat=True)) == [1, 2]


@pytest.mark.parametrize("viewport", [TABLET, LAPTOP], ids=["768x1024", "1280x800"])
def test_pages_fit_the_screen_without_sideways_scrolling(page, proposal, viewport):
    open_sheet(page, proposal, viewport)
    assert no_sideways_scroll(page)
    page.goto("/penilaian/")
    assert no_sideways_scroll(page)


def test_double_tap_on_send_makes_one_assessment(page, proposal):
    open_sheet(page, proposal)
    for letter in "BAP":
        for code in codes(letter):
            tap(page, code, 1)
    wait_for_copy(page, 21)
    # Two identical requests at once, as a double tap or a retry after a timeout sends them.
    answers = page.evaluate(
        """async (parallel) => {
            const config = JSON.parse(document.getElementById('sheet-config').textContent);
            const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const token = await new Promise(resolve => {
                const open = indexedDB.open('bantar-penilaian');
                open.onsuccess = () => {
                    const get = open.result.transaction('copies').objectStore('copies')
                        .get([config.user, config.proposal]);
                    get.onsuccess = () => resolve(get.result.token);
                };
            });
            const scores = [...document.querySelectorAll('input.btn-check:checked')].map(
                e => ({indicator: parseInt(e.name.split('-')[1]), value: parseInt(e.value)}));
            const body = JSON.stringify({client_token: token, action: 'send',
                visit_date: document.getElementById('visit-date').value, scores});
            const send = () => fetch(config.saveUrl, {method: 'POST', body,
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf}})
                .then(r => r.json());
            if (parallel) return Promise.all([send(), send()]);
            return [await send(), await send()];
        }""",
        # SQLite's in-memory test database locks whole tables between the live server's
        # threads; there the second request comes as a retry right after the first.
        connection.vendor == "postgresql",
    )
    assert [a["ok"] for a in answers] == [True, True]
    assert answers[0]["client_token"] == answers[1]["client_token"]
    assert Assessment.objects.count() == 1
    assert Assessment.objects.get().scores.count() == 21


def test_refusal_from_the_server_is_shown_and_the_answers_stay_in_the_browser(page, proposal):
    open_sheet(page, proposal)
    tap(page, "B1", 2)
    cycle = proposal.cycle
    cycle.stage = "REKAPITULASI"
    cycle.save()
    page.click("#save-draft")
    page.wait_for_selector("#sheet-notice.alert-danger")
    text = page.text_content("#sheet-notice")
    assert "tahap Penilaian" in text and "Muat ulang halaman" in text
    assert Assessment.objects.count() == 0
    assert device(page)["copies"] != []


def copy_in_browser(page):
    return device(page)["copies"]


def fill_everything(page, value):
    for letter in "BAP":
        for code in codes(letter):
            tap(page, code, value)


def test_send_replayed_after_the_server_kept_other_answers_keeps_the_copy(page, proposal):
    open_sheet(page, proposal)
    fill_everything(page, 2)
    wait_for_copy(page, 21)
    token = copy_in_browser(page)[0]["token"]
    # The first send reached the server with other answers; its reply never came back.
    scoring.send_sheet(
        proposal=proposal,
        assessor=User.objects.get(username="penilai.uji"),
        client_token=token,
        values={
            i.pk: 1 for i in Indicator.objects.filter(indicator_set=proposal.cycle.indicator_set)
        },
        visit_date=timezone.localdate(),
    )

    page.click("#send-sheet")
    page.click("#send-confirm-yes")
    page.wait_for_selector("#sheet-notice.alert-danger")

    assert "jawaban yang berbeda" in page.text_content("#sheet-notice")
    assert copy_in_browser(page)[0]["data"]["scores"]
    assert sum(Assessment.objects.get().scores.values_list("value", flat=True)) == 21
    # Opening the sheet again keeps the copy and says so; it is not silently dropped.
    page.reload()
    page.wait_for_selector("#sheet-notice.alert-warning")
    assert "belum terkirim" in page.text_content("#sheet-notice")
    assert copy_in_browser(page) != []


def test_database_outage_keeps_the_copy_and_says_to_send_later(page, proposal):
    open_sheet(page, proposal)
    tap(page, "B1", 2)
    message = (
        "Server basis data sedang tidak dapat dihubungi; jawaban Anda tetap tersimpan di "
        "perangkat. Coba kirim lagi nanti."
    )
    page.route(
        "**/simpan/",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body=json.dumps({"ok": False, "errors": [message]}),
        ),
    )

    page.click("#save-draft")
    page.wait_for_selector("#sheet-notice.alert-warning >> text=Coba kirim lagi nanti")

    assert "dicoba disimpan lagi" in page.text_content("#sheet-notice")
    assert copy_in_browser(page)[0]["data"]["scores"]
    assert Assessment.objects.count() == 0
