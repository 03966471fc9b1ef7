"""Photos and the visit's position on the tablet: taken with no signal, kept on the device
through a reload, sent with the sheet when the signal returns (one sheet, each photo
once, SHA-256 as stored); a photo over the limit is refused plainly and the sheet still
goes; the position is stored when allowed and never needed."""

import hashlib

import pytest

from assessments import scoring
from assessments.models import Assessment, EvidencePhoto, Indicator
from tests import factories
from tests.e2e.test_offline import (
    PHONE,
    TABLET,
    fill_everything,
    prepare_tablet,
    send_from_sheet,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

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
  const outbox = await read('outbox');
  const found = {copies: (await read('copies')).length, outbox: outbox.length,
    attachments: outbox.map(r => r.attachments.length), photos: (await read('photos')).length};
  db.close();
  return found;
}"""


def photo_file(name, color):
    """A camera-sized photo (2400×1800): the tablet makes it 1600 px wide before keeping it."""
    return {
        "name": name,
        "mimeType": "image/jpeg",
        "buffer": factories.jpeg_bytes(width=2400, height=1800, color=color),
    }


def take_photo(page, code, name, color, *, expect):
    page.set_input_files(f"#indikator-{code} [data-photo-input]", photo_file(name, color))
    page.wait_for_function(
        "([code, n]) => document.querySelectorAll("
        "`#indikator-${code} [data-device-photos] img`).length === n",
        arg=[code, expect],
    )


def device(page):
    return page.evaluate(READ_DEVICE)


def assert_stored_as_recorded(photo):
    stored = photo.file.read()
    assert hashlib.sha256(stored).hexdigest() == photo.sha256
    assert (photo.width, photo.height) == (1600, 1200)


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["768x1024", "360x800"])
def test_photos_taken_offline_survive_a_reload_and_go_with_the_sheet(
    browser_context, page, proposals, viewport
):
    prepare_tablet(page, viewport)
    browser_context.set_offline(True)
    target = proposals[2]
    page.goto("/penilaian/")
    page.click(f"[data-rt='{target.pk}']")
    page.wait_for_selector("#scoring-sheet fieldset[data-indicator]")
    fill_everything(page, 2)
    take_photo(page, "B1", "tempat-sampah.jpg", (200, 20, 20), expect=1)
    take_photo(page, "B1", "selokan.jpg", (20, 20, 200), expect=2)
    assert "ikut terkirim saat Kirim" in page.text_content("#indikator-B1 [data-photo-message]")

    send_from_sheet(page)
    page.wait_for_selector("#sheet-outbox:has-text('Menunggu sinyal')")
    page.reload()
    page.wait_for_selector("#sheet-outbox:has-text('Menunggu sinyal')")
    page.wait_for_selector("#indikator-B1 [data-device-photos] img >> nth=1")
    assert device(page) == {"copies": 1, "outbox": 1, "attachments": [2], "photos": 2}
    assert Assessment.objects.count() == 0

    browser_context.set_offline(False)
    page.wait_for_selector("#sheet-sent")
    sheet = Assessment.objects.get()
    assert (sheet.proposal_id, sheet.status) == (target.pk, Assessment.Status.SENT)
    photos = list(sheet.photos.select_related("indicator"))
    assert [p.indicator.code for p in photos] == ["B1", "B1"]
    assert len({p.sha256 for p in photos}) == 2
    for photo in photos:
        assert_stored_as_recorded(photo)
    assert device(page) == {"copies": 0, "outbox": 0, "attachments": [], "photos": 0}
    # The sent sheet shows the photos the server now holds, through the scoped address.
    assert page.locator("#indikator-B1 img.evidence-thumb").count() == 2


def test_photo_over_the_limit_is_refused_plainly_and_the_sheet_still_sends(
    browser_context, page, proposals
):
    prepare_tablet(page)
    page.goto(f"/penilaian/{proposals[0].pk}/")
    fill_everything(page, 1)
    for n in range(3):
        take_photo(page, "A1", f"foto-{n}.jpg", (60 * n, 90, 30), expect=n + 1)

    page.set_input_files("#indikator-A1 [data-photo-input]", photo_file("foto-3.jpg", (1, 2, 3)))
    page.wait_for_selector("#indikator-A1 [data-photo-message]:has-text('Paling banyak')")
    assert page.text_content("#indikator-A1 [data-photo-message]") == (
        "Paling banyak 3 foto untuk indikator A1. Hapus salah satu foto dulu bila ingin "
        "menggantinya."
    )
    assert page.locator("#indikator-A1 [data-device-photos] img").count() == 3

    send_from_sheet(page)
    page.wait_for_selector("#sheet-sent")
    assert EvidencePhoto.objects.filter(assessment__status="SENT").count() == 3


def test_removed_photo_is_not_sent(browser_context, page, proposals):
    prepare_tablet(page)
    page.goto(f"/penilaian/{proposals[0].pk}/")
    fill_everything(page, 1)
    take_photo(page, "A1", "salah.jpg", (9, 9, 9), expect=1)
    take_photo(page, "A1", "benar.jpg", (99, 99, 99), expect=2)
    page.locator("#indikator-A1 [data-device-photos] button").first.click()
    page.wait_for_function(
        "() => document.querySelectorAll('#indikator-A1 [data-device-photos] img').length === 1"
    )

    send_from_sheet(page)
    page.wait_for_selector("#sheet-sent")
    assert EvidencePhoto.objects.count() == 1


def test_position_allowed_is_stored_with_the_sheet(browser_context, page, proposals):
    browser_context.grant_permissions(["geolocation"])
    browser_context.set_geolocation({"latitude": -1.6123, "longitude": 103.5987, "accuracy": 15})
    prepare_tablet(page)
    page.goto(f"/penilaian/{proposals[0].pk}/")
    fill_everything(page, 2)

    page.click("#record-location")
    page.wait_for_selector("#location-text:has-text('Lokasi tercatat')")
    assert "-1.612300, 103.598700 (±15 m)" in page.text_content("#location-text")
    send_from_sheet(page)
    page.wait_for_selector("#sheet-sent")

    sheet = Assessment.objects.get()
    assert sheet.position_text() == "-1.612300, 103.598700 (±15 m)"
    assert "-1.612300, 103.598700 (±15 m)" in page.text_content("#location-text")


def test_position_denied_says_so_and_the_sheet_still_sends(browser_context, page, proposals):
    browser_context.clear_permissions()
    prepare_tablet(page)
    page.goto(f"/penilaian/{proposals[0].pk}/")
    fill_everything(page, 2)

    page.click("#record-location")
    page.wait_for_selector("#location-text:has-text('Izin lokasi ditolak')")
    send_from_sheet(page)
    page.wait_for_selector("#sheet-sent")

    sheet = Assessment.objects.get()
    assert sheet.status == Assessment.Status.SENT
    assert sheet.visit_latitude is None


def test_reopened_sheet_can_lose_a_server_photo_and_gain_a_new_one_before_it_is_resent(
    browser_context, page, proposals, assessor, admin_dpmppa
):
    target = proposals[0]
    first = Indicator.objects.filter(indicator_set=target.cycle.indicator_set).order_by("order")[0]
    sent = factories.make_sheet(proposal=target, assessor=assessor)
    wrong = factories.make_photo(sheet=sent, indicator=first, color=(200, 0, 0))
    right = factories.make_photo(sheet=sent, indicator=first, color=(0, 0, 200))
    draft = scoring.reopen_sheet(sent, by=admin_dpmppa, reason=f"Foto {first.code} salah")
    prepare_tablet(page)
    page.goto(f"/penilaian/{target.pk}/")
    page.wait_for_selector(f"text=Foto {first.code} salah")

    removed = draft.photos.get(sha256=wrong.sha256)
    item = f"[data-server-photo='{removed.pk}']"
    page.click(f"{item} [data-remove-server-photo]")
    page.wait_for_selector(f"{item} [data-removed-note]:visible")
    # The mark is kept on the device with the answers: a reload keeps it.
    page.wait_for_timeout(300)
    page.reload()
    page.wait_for_selector(f"{item} [data-removed-note]:visible")
    # Only that photo says so: the one kept beside it does not.
    kept_item = f"[data-server-photo='{draft.photos.get(sha256=right.sha256).pk}']"
    assert page.locator(f"{kept_item} [data-removed-note]").is_hidden()
    assert draft.photos.count() == 2  # nothing removed before "Kirim"
    take_photo(page, first.code, "ganti.jpg", (0, 200, 0), expect=1)

    send_from_sheet(page)
    page.wait_for_selector("#sheet-sent")
    final = Assessment.objects.get(status=Assessment.Status.SENT)
    assert final.pk == draft.pk
    kept = set(final.photos.values_list("sha256", flat=True))
    assert len(kept) == 2 and right.sha256 in kept and wrong.sha256 not in kept
    assert sent.photos.count() == 2  # the version it replaced stays as it was sent
