"""The visit's photos and position: sent with the sheet, checked by content, kept on
reopen, and shown only to Admin DPMPPA and the proposal's team."""

import hashlib
import io
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessments import evidence, scoring
from assessments.models import Assessment, EvidencePhoto, Indicator
from rt_registry import roles
from tests import factories

VISIT = "2026-11-02"


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="PENILAIAN")


@pytest.fixture
def colleague(db):
    return factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI, agency="DLH")


@pytest.fixture
def other_team_assessor(db):
    return factories.make_user(username="penilai.lain", role=roles.TIM_PENILAI, agency="Polsek")


@pytest.fixture
def proposal(cycle, assessor, colleague, other_team_assessor, rt_in_scope, rt_out_of_scope):
    team = factories.make_team(cycle=cycle, members=[assessor, colleague])
    other = factories.make_team(cycle=cycle, name="Tim 2", members=[other_team_assessor])
    factories.make_proposal(cycle=cycle, rt=rt_out_of_scope, status="DIVERIFIKASI", team=other)
    return factories.make_proposal(cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team)


def indicators_of(cycle):
    return list(Indicator.objects.filter(indicator_set=cycle.indicator_set).order_by("order"))


def sheet_payload(cycle, *, token, action="send", photos=(), location=None):
    return {
        "client_token": str(token),
        "action": action,
        "visit_date": VISIT,
        "general_note": "",
        "scores": [{"indicator": i.pk, "value": 2, "note": ""} for i in indicators_of(cycle)],
        "photos": list(photos),
        "location": location,
    }


def post_with_photos(client, proposal, payload, files):
    """As the tablet sends it: the JSON in "payload", each photo a file (multipart)."""
    data = {"payload": json.dumps(payload)}
    for name, content in files.items():
        data[name] = SimpleUploadedFile(f"{name}.jpg", content, content_type="image/jpeg")
    return client.post(reverse("assessments:scoring-save", args=[proposal.pk]), data=data)


def two_photos(cycle):
    first = indicators_of(cycle)[0]
    return (
        [
            {"file": "foto-0", "indicator": first.pk, "code": first.code},
            {"file": "foto-1", "indicator": first.pk, "code": first.code},
        ],
        {
            "foto-0": factories.jpeg_bytes(color=(200, 10, 10)),
            "foto-1": factories.jpeg_bytes(color=(10, 10, 200)),
        },
    )


def test_sent_sheet_holds_its_photos_reencoded_with_sha256(client, assessor, proposal):
    client.force_login(assessor)
    meta, files = two_photos(proposal.cycle)
    token = uuid.uuid4()

    response = post_with_photos(
        client, proposal, sheet_payload(proposal.cycle, token=token, photos=meta), files
    )

    assert response.status_code == 200, response.json()
    sheet = Assessment.objects.get(client_token=token)
    assert sheet.status == "SENT"
    photos = list(sheet.photos.all())
    assert len(photos) == 2
    for photo in photos:
        stored = photo.file.read()
        assert hashlib.sha256(stored).hexdigest() == photo.sha256
        assert Image.open(io.BytesIO(stored)).format == "JPEG"
        assert photo.indicator == indicators_of(proposal.cycle)[0]
        assert photo.file.name.startswith("bukti/")


def test_replayed_send_with_photos_stores_them_once(client, assessor, proposal):
    client.force_login(assessor)
    meta, files = two_photos(proposal.cycle)
    payload = sheet_payload(proposal.cycle, token=uuid.uuid4(), photos=meta)

    first = post_with_photos(client, proposal, payload, files)
    again = post_with_photos(client, proposal, payload, files)

    assert first.json() == again.json()
    assert Assessment.objects.filter(proposal=proposal).count() == 1
    assert EvidencePhoto.objects.count() == 2


def test_refused_send_stores_no_photo_and_no_sheet(client, assessor, proposal):
    client.force_login(assessor)
    meta, files = two_photos(proposal.cycle)
    payload = sheet_payload(proposal.cycle, token=uuid.uuid4(), photos=meta)
    payload["scores"] = payload["scores"][:5]  # not all 21 scored: the send is refused

    response = post_with_photos(client, proposal, payload, files)

    assert response.status_code == 400
    assert not Assessment.objects.exists()
    assert not EvidencePhoto.objects.exists()


def test_photo_that_is_not_an_image_is_refused_with_a_message(client, assessor, proposal):
    client.force_login(assessor)
    first = indicators_of(proposal.cycle)[0]
    meta = [{"file": "foto-0", "indicator": first.pk, "code": first.code}]
    payload = sheet_payload(proposal.cycle, token=uuid.uuid4(), photos=meta)

    response = post_with_photos(client, proposal, payload, {"foto-0": b"%PDF-1.4 bukan foto"})

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"Foto 1 indikator {first.code} bukan foto JPEG, PNG atau WebP yang dapat dibaca. "
        "Hapus foto itu lalu ambil lagi dengan kamera."
    )
    assert not Assessment.objects.exists()


def test_photo_over_two_megabytes_is_refused(client, assessor, proposal):
    client.force_login(assessor)
    first = indicators_of(proposal.cycle)[0]
    meta = [{"file": "foto-0", "indicator": first.pk, "code": first.code}]
    big = factories.jpeg_bytes() + b"\0" * evidence.MAX_PHOTO_BYTES

    response = post_with_photos(
        client,
        proposal,
        sheet_payload(proposal.cycle, token=uuid.uuid4(), photos=meta),
        {"foto-0": big},
    )

    assert response.status_code == 400
    assert "lebih besar dari 2 MB" in response.json()["message"]
    assert not EvidencePhoto.objects.exists()


def test_a_photo_of_exactly_two_megabytes_is_accepted(assessor, proposal):
    exact = factories.jpeg_bytes()
    exact += b"\0" * (evidence.MAX_PHOTO_BYTES - len(exact))  # JPEG readers ignore the tail
    upload = SimpleUploadedFile("foto.jpg", exact, "image/jpeg")

    photo = evidence.prepare_photo(upload, indicator_id=1, label="Foto 1")

    assert photo.sha256 == hashlib.sha256(photo.content).hexdigest()


def test_fourth_photo_of_an_indicator_is_refused(client, assessor, proposal):
    client.force_login(assessor)
    first = indicators_of(proposal.cycle)[0]
    meta = [{"file": f"foto-{n}", "indicator": first.pk} for n in range(4)]
    files = {f"foto-{n}": factories.jpeg_bytes(color=(n * 40, 0, 0)) for n in range(4)}

    response = post_with_photos(
        client, proposal, sheet_payload(proposal.cycle, token=uuid.uuid4(), photos=meta), files
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"Indikator {first.code} berisi 4 foto; paling banyak 3 foto per indikator. "
        "Hapus foto yang berlebih lalu kirim lagi."
    )


def test_three_photos_of_an_indicator_are_accepted(client, assessor, proposal):
    client.force_login(assessor)
    first = indicators_of(proposal.cycle)[0]
    meta = [{"file": f"foto-{n}", "indicator": first.pk} for n in range(3)]
    files = {f"foto-{n}": factories.jpeg_bytes(color=(n * 40, 0, 0)) for n in range(3)}

    response = post_with_photos(
        client, proposal, sheet_payload(proposal.cycle, token=uuid.uuid4(), photos=meta), files
    )

    assert response.status_code == 200
    assert EvidencePhoto.objects.count() == 3


def test_more_than_thirty_photos_on_a_sheet_are_refused(assessor, proposal):
    indicators = indicators_of(proposal.cycle)
    photos = [
        evidence.PreparedPhoto(
            indicator_id=indicators[n % 21].pk, content=b"x", sha256=f"{n:064d}", width=1, height=1
        )
        for n in range(31)
    ]
    sheet = factories.make_sheet(proposal=proposal, assessor=assessor, status="DRAFT")

    with pytest.raises(ValidationError) as refused:
        evidence.attach_photos(sheet, photos, indicators={i.pk: i for i in indicators}, written=[])

    assert refused.value.messages == [
        "Lembar ini berisi 31 foto; paling banyak 30 foto per lembar. Hapus foto yang "
        "berlebih lalu kirim lagi."
    ]
    assert not EvidencePhoto.objects.exists()


def test_gps_and_camera_data_are_dropped_from_the_stored_photo(client, assessor, proposal):
    original = factories.jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo has GPS
    upload = SimpleUploadedFile("foto.jpg", original, "image/jpeg")

    photo = evidence.prepare_photo(upload, indicator_id=1, label="Foto 1")

    assert not Image.open(io.BytesIO(photo.content)).getexif()


def test_photo_larger_than_1600_px_is_made_smaller(assessor):
    upload = SimpleUploadedFile("foto.jpg", factories.jpeg_bytes(width=3200, height=1800))

    photo = evidence.prepare_photo(upload, indicator_id=1, label="Foto 1")

    assert (photo.width, photo.height) == (1600, 900)


def test_body_over_the_photo_cap_is_refused_with_a_message(client, assessor, proposal):
    client.force_login(assessor)
    response = client.post(
        reverse("assessments:scoring-save", args=[proposal.pk]),
        data={"payload": "{}"},
        CONTENT_LENGTH=str(21 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert "lebih dari 20 MB" in response.json()["message"]


def test_visit_position_is_stored_and_shown_as_plain_text(client, assessor, proposal):
    client.force_login(assessor)
    token = uuid.uuid4()
    location = {"latitude": -1.6101234, "longitude": 103.6134567, "accuracy": 12.4}

    response = client.post(
        reverse("assessments:scoring-save", args=[proposal.pk]),
        data=json.dumps(sheet_payload(proposal.cycle, token=token, location=location)),
        content_type="application/json",
    )

    assert response.status_code == 200
    sheet = Assessment.objects.get(client_token=token)
    assert sheet.position_text() == "-1.610123, 103.613457 (±12 m)"
    assert sheet.visit_located_at is not None


@pytest.mark.parametrize(
    "location",
    [{"latitude": 91, "longitude": 103}, {"latitude": "x", "longitude": 1}, [1, 2]],
)
def test_impossible_position_is_refused_and_nothing_saved(client, assessor, proposal, location):
    client.force_login(assessor)

    response = client.post(
        reverse("assessments:scoring-save", args=[proposal.pk]),
        data=json.dumps(sheet_payload(proposal.cycle, token=uuid.uuid4(), location=location)),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "Lokasi kunjungan tidak terbaca" in response.json()["message"]
    assert not Assessment.objects.exists()


def test_sheet_without_position_is_sent(client, assessor, proposal):
    client.force_login(assessor)

    response = client.post(
        reverse("assessments:scoring-save", args=[proposal.pk]),
        data=json.dumps(sheet_payload(proposal.cycle, token=uuid.uuid4())),
        content_type="application/json",
    )

    assert response.json()["status"] == "SENT"
    assert Assessment.objects.get().position_text() == ""


def test_reopened_sheet_keeps_its_photos_and_position(assessor, admin_dpmppa, proposal):
    first = indicators_of(proposal.cycle)[0]
    sent = factories.make_sheet(proposal=proposal, assessor=assessor)
    sent.visit_latitude, sent.visit_longitude, sent.visit_accuracy_m = -1.61, 103.61, 9
    sent.save()
    photo = factories.make_photo(sheet=sent, indicator=first)

    draft = scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Foto kurang jelas")

    kept = draft.photos.get()
    assert (kept.file.name, kept.sha256) == (photo.file.name, photo.sha256)
    assert draft.position_text() == "-1.610000, 103.610000 (±9 m)"
    assert sent.photos.count() == 1


# --- Who sees the photos -------------------------------------------------------------


@pytest.fixture
def photo(assessor, proposal):
    sheet = factories.make_sheet(proposal=proposal, assessor=assessor)
    return factories.make_photo(sheet=sheet, indicator=indicators_of(proposal.cycle)[0])


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin_dpmppa", True),
        ("assessor", True),  # the sheet's own assessor
        ("colleague", True),  # the same team: the team sees its own
        ("other_team_assessor", False),
        ("kecamatan_officer", False),
        ("kelurahan_officer", False),
    ],
)
def test_photo_download_is_scoped(client, request, photo, persona, allowed):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("assessments:evidence-photo", args=[photo.pk]))

    if allowed:
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == photo.sha256
        assert "private" in response["Cache-Control"]
    else:
        assert response.status_code == 404


def test_anonymous_visitor_cannot_open_a_photo(client, photo):
    response = client.get(reverse("assessments:evidence-photo", args=[photo.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin_dpmppa", True),
        ("colleague", True),
        ("other_team_assessor", False),
        ("kecamatan_officer", False),
    ],
)
def test_proposal_photo_page_is_scoped(client, request, photo, persona, allowed):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(
        reverse("assessments:proposal-photos", args=[photo.assessment.proposal_id])
    )

    if allowed:
        assert response.status_code == 200
        assert reverse("assessments:evidence-photo", args=[photo.pk]) in response.text
    else:
        assert response.status_code == 404


def test_admin_sheet_page_shows_photos_and_position(client, admin_dpmppa, photo):
    sheet = photo.assessment
    sheet.visit_latitude, sheet.visit_longitude, sheet.visit_accuracy_m = -1.61, 103.61, 9
    sheet.save()
    client.force_login(admin_dpmppa)

    response = client.get(reverse("admin:assessments_assessment_change", args=[sheet.pk]))

    assert response.status_code == 200
    assert reverse("assessments:evidence-photo", args=[photo.pk]) in response.text
    assert "-1.610000, 103.610000 (±9 m)" in response.text
    assert "openstreetmap" not in response.text.lower()


def test_recap_row_links_to_the_proposal_photos_for_admin(client, admin_dpmppa, photo):
    proposal = photo.assessment.proposal
    proposal.cycle.stage = "REKAPITULASI"
    proposal.cycle.save()
    client.force_login(admin_dpmppa)

    response = client.get(reverse("assessments:recap", args=[proposal.cycle_id]))

    assert reverse("assessments:proposal-photos", args=[proposal.pk]) in response.text


def test_assessor_sees_their_sent_photos_on_the_sheet(client, assessor, photo):
    client.force_login(assessor)

    response = client.get(reverse("assessments:scoring-sheet", args=[photo.assessment.proposal_id]))

    assert reverse("assessments:evidence-photo", args=[photo.pk]) in response.text


def test_media_is_not_served_directly(client, admin_dpmppa, photo):
    client.force_login(admin_dpmppa)

    response = client.get("/media/" + photo.file.name)

    assert response.status_code == 404
