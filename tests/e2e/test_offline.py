"""The tablet with no signal: the list and every assigned sheet open offline once prepared,
a "Kirim" with no signal waits in the outbox and goes by itself, a conflict or an expired
session loses nothing; the pages pass axe-core and ask nothing of another host."""

import datetime
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session

from assessments import scoring
from assessments.models import Assessment, Indicator
from tests import factories
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 360, "height": 800}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

READ_DEVICE = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('bantar-penilaian');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const read = (name) => new Promise((resolve) => {
    const query = db.transaction(name).objectStore(name).getAll();
    query.onsuccess = () => resolve(query.result);
  });
  const found = {copies: await read('copies'), outbox: await read('outbox')};
  db.close();
  return found;
}"""


def device(page):
    return page.evaluate(READ_DEVICE)


def wait_for_copy(page, scored):
    """Until the device copy holds `scored` answers (each tap is written a moment later)."""
    page.wait_for_function(
        "async (n) => { const found = await (" + READ_DEVICE + ")();"
        " return found.copies.some(c => Object.keys(c.data.scores).length === n); }",
        arg=scored,
    )


def prepare_tablet(page, viewport=TABLET):
    """Log in online, open the list, wait until every sheet is kept on the device."""
    page.set_viewport_size(viewport)
    login(page, "penilai.uji", factories.PASSWORD)
    page.wait_for_url("**/penilaian/")
    page.wait_for_selector("#offline-panel[data-prepared=ya]")
    assert page.text_content("#prepare-progress").startswith("3 dari 3 RT siap")


def fill_everything(page, value):
    for box in page.query_selector_all("fieldset[data-indicator]"):
        code = box.get_attribute("data-code")
        page.click(f"label[for=nilai-{code}-{value}]")


def send_from_sheet(page):
    page.click("#send-sheet")
    page.click("#send-confirm-yes")


def row_state(page, proposal):
    return page.get_attribute(f"[data-rt='{proposal.pk}']", "data-state")


def indicator_count(proposal):
    return Indicator.objects.filter(indicator_set=proposal.cycle.indicator_set).count()


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["768x1024", "360x800"])
def test_sheet_never_opened_is_scored_offline_and_sent_when_the_signal_returns(
    browser_context, page, proposals, viewport
):
    prepare_tablet(page, viewport)
    browser_context.set_offline(True)

    offline_page = browser_context.new_page()
    offline_page.goto("/penilaian/")
    offline_page.wait_for_selector("h1:has-text('RT yang harus dinilai')")
    target = proposals[1]
    offline_page.click(f"[data-rt='{target.pk}']")
    offline_page.wait_for_selector("#scoring-sheet fieldset[data-indicator]")
    fill_everything(offline_page, 1)
    assert offline_page.text_content("#answered") == "21"
    send_from_sheet(offline_page)
    offline_page.wait_for_selector("#sheet-outbox:has-text('Menunggu sinyal')")
    offline_page.goto("/penilaian/")
    offline_page.wait_for_selector(f"[data-rt='{target.pk}'][data-state=menunggu]")
    assert "Menunggu sinyal" in offline_page.text_content(f"[data-rt='{target.pk}']")
    assert offline_page.is_visible("#send-pending")
    # The count above the list says so too, not "3 belum dinilai".
    assert offline_page.text_content("#progress-summary") == (
        "0 dari 3 RT terkirim · 1 menunggu sinyal · 0 draf · 2 belum dinilai"
    )

    offline_page.reload()
    offline_page.wait_for_selector(f"[data-rt='{target.pk}'][data-state=menunggu]")
    assert Assessment.objects.count() == 0

    browser_context.set_offline(False)
    offline_page.wait_for_selector(f"[data-rt='{target.pk}'][data-state=terkirim]")
    assert offline_page.text_content("#progress-summary") == (
        "1 dari 3 RT terkirim · 0 draf · 2 belum dinilai"
    )
    sheet = Assessment.objects.get()
    assert (sheet.proposal_id, sheet.status) == (target.pk, Assessment.Status.SENT)
    assert sorted(set(sheet.scores.values_list("value", flat=True))) == [1]
    assert sheet.scores.count() == indicator_count(target) == 21
    assert device(offline_page) == {"copies": [], "outbox": []}


def test_sheet_reopened_meanwhile_is_a_conflict_told_plainly_and_nothing_is_lost(
    browser_context, page, proposals, admin_dpmppa
):
    target = proposals[0]
    prepare_tablet(page)
    page.goto(f"/penilaian/{target.pk}/")
    page.click("label[for=nilai-B1-2]")
    page.click("#save-draft")
    page.wait_for_selector("#sheet-notice.alert-success")
    token = Assessment.objects.get().client_token
    # Back to the list before leaving: the tablet keeps the sheet as it now is (the draft).
    page.goto("/penilaian/")
    page.wait_for_selector("#offline-panel[data-prepared=ya]")

    browser_context.set_offline(True)
    page.goto(f"/penilaian/{target.pk}/")
    fill_everything(page, 2)
    send_from_sheet(page)
    page.wait_for_selector("#sheet-outbox:has-text('Menunggu sinyal')")
    # Meanwhile the office sent this sheet with other answers and the admin reopened it.
    assessor = User.objects.get(username="penilai.uji")
    sent = scoring.send_sheet(
        proposal=target,
        assessor=assessor,
        client_token=token,
        values={
            i.pk: 0 for i in Indicator.objects.filter(indicator_set=target.cycle.indicator_set_id)
        },
        visit_date=datetime.date.today(),
    )
    scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Periksa ulang P3")

    browser_context.set_offline(False)
    page.wait_for_selector("#sheet-outbox.alert-danger")
    assert "jawaban yang berbeda" in page.text_content("#sheet-outbox")
    kept = device(page)
    assert kept["outbox"][0]["state"] == "konflik"
    assert kept["outbox"][0]["code"] == "token_reused"
    assert set(kept["copies"][0]["data"]["scores"].values()) == {2}
    page.goto("/penilaian/")
    page.wait_for_selector(f"[data-rt='{target.pk}'][data-state=perlu-tindakan]")

    # Resolved: the sheet opens as the reopened draft with the device's answers, sent again.
    page.goto(f"/penilaian/{target.pk}/")
    page.wait_for_selector("text=dipulihkan dari perangkat ini")
    send_from_sheet(page)
    page.wait_for_selector("#sheet-sent")
    final = Assessment.objects.get(status=Assessment.Status.SENT)
    assert final.version == 2
    assert set(final.scores.values_list("value", flat=True)) == {2}
    assert final.scores.count() == 21
    assert device(page) == {"copies": [], "outbox": []}


def test_queued_send_waits_for_the_login_and_then_goes_by_itself(browser_context, page, proposals):
    target = proposals[2]
    prepare_tablet(page)
    browser_context.set_offline(True)
    page.goto(f"/penilaian/{target.pk}/")
    fill_everything(page, 2)
    send_from_sheet(page)
    page.wait_for_selector("#sheet-outbox:has-text('Menunggu sinyal')")
    Session.objects.all().delete()  # the session ends on the server meanwhile

    browser_context.set_offline(False)
    page.wait_for_selector("#login-again:visible")
    page.wait_for_selector("#sheet-outbox:has-text('Menunggu login')")
    assert Assessment.objects.count() == 0
    assert device(page)["outbox"][0]["state"] == "login"

    page.goto("/penilaian/")
    page.wait_for_url("**/login/**")
    page.fill("#id_username", "penilai.uji")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/penilaian/")
    page.wait_for_selector(f"[data-rt='{target.pk}'][data-state=terkirim]")
    sheet = Assessment.objects.get()
    assert (sheet.proposal_id, sheet.status, sheet.scores.count()) == (target.pk, "SENT", 21)
    assert device(page) == {"copies": [], "outbox": []}


def test_keluar_with_unsent_work_asks_first(browser_context, page, proposals):
    prepare_tablet(page)
    page.goto(f"/penilaian/{proposals[0].pk}/")
    page.click("label[for=nilai-B1-2]")
    wait_for_copy(page, 1)
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("button:has-text('Keluar')")
    page.wait_for_timeout(300)
    assert questions and "1 lembar penilaian" in questions[0]
    assert page.url.endswith(f"/penilaian/{proposals[0].pk}/")


def test_old_browser_copy_in_local_storage_moves_to_the_device_store(page, proposals):
    target = proposals[0]
    prepare_tablet(page)
    assessor = User.objects.get(username="penilai.uji")
    b1 = Indicator.objects.get(indicator_set=target.cycle.indicator_set, code="B1")
    page.evaluate(
        """([key, id, token]) => localStorage.setItem(key, JSON.stringify({token,
            data: {scores: {[id]: 1}, notes: {}, visit_date: '', general_note: ''},
            revision: 1, changedAt: '2026-11-01T08:00:00Z'}))""",
        [f"bantar:penilaian:{assessor.pk}:{target.pk}", b1.pk, str(uuid.uuid4())],
    )
    page.goto(f"/penilaian/{target.pk}/")
    page.wait_for_selector("text=dipulihkan dari perangkat ini")
    assert page.is_checked("#nilai-B1-1")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('bantar:'))") == []
    assert len(device(page)["copies"]) == 1


def run_axe(page):
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in result
        if v["impact"] in ("critical", "serious")
    ]


def test_list_and_sheet_have_no_serious_accessibility_violation(page, proposals):
    prepare_tablet(page)
    assert run_axe(page) == []
    page.goto(f"/penilaian/{proposals[0].pk}/")
    page.wait_for_selector("fieldset[data-indicator]")
    assert run_axe(page) == []


def test_sheet_asks_nothing_of_another_host_and_opens_from_the_device(
    browser_context, page, live_server, proposals
):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    prepare_tablet(page)
    page.goto(f"/penilaian/{proposals[0].pk}/")
    assert hosts == {urlsplit(live_server.url).netloc}

    browser_context.set_offline(True)
    page.reload()
    page.wait_for_selector("fieldset[data-indicator]")
    assert page.locator("fieldset[data-indicator]").count() == 21
    # The stylesheet came from the device too: the score buttons keep their size.
    assert page.locator("label[for=nilai-B1-2]").bounding_box()["height"] >= 44
