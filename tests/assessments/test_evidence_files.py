"""Photo files and their rows go together: a write that rolls back leaves no stored file
behind, a reopened sheet's server photo taken off by its assessor leaves with the send
(and only then), and check_stored_files names files no row holds."""

# ruff: noqa: F811 (the fixtures imported from test_evidence_photos are used as arguments)

import io
import json
import os
import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from assessments import evidence, scoring
from assessments.models import Assessment, EvidencePhoto
from stored_files import integrity
from tests import factories
from tests.assessments.test_evidence_photos import (  # noqa: F401 (fixtures)
    colleague,
    cycle,
    indicators_of,
    other_team_assessor,
    post_with_photos,
    proposal,
    sheet_payload,
    two_photos,
)

pytestmark = pytest.mark.django_db


def stored_files(settings):
    """Every file under the photos' folder, as storage names."""
    root = settings.MEDIA_ROOT / "bukti"
    return sorted(
        os.path.relpath(os.path.join(folder, name), settings.MEDIA_ROOT)
        for folder, _, names in os.walk(root)
        for name in names
    )


def names_in_rows():
    return sorted(EvidencePhoto.objects.values_list("file", flat=True))


# --- a write that rolls back ------------------------------------------------------------


def test_a_send_refused_after_its_photos_were_stored_leaves_no_file(
    client, assessor, proposal, settings, monkeypatch
):
    stored_then_refused = evidence.attach_photos

    def attach_then_conflict(*args, **kwargs):
        stored_then_refused(*args, **kwargs)
        assert stored_files(settings)  # the files are on disk at this point
        raise scoring.ValidationError("Tahap berubah.", code="wrong_stage")

    monkeypatch.setattr(evidence, "attach_photos", attach_then_conflict)
    client.force_login(assessor)
    meta, files = two_photos(proposal.cycle)

    response = post_with_photos(
        client, proposal, sheet_payload(proposal.cycle, token=uuid.uuid4(), photos=meta), files
    )

    assert response.status_code == 409
    assert not Assessment.objects.exists()
    assert stored_files(settings) == []


def test_a_write_retried_after_a_concurrent_one_keeps_only_the_committed_files(
    client, assessor, proposal, settings, monkeypatch
):
    attach = evidence.attach_photos
    calls = []

    def collide_once(*args, **kwargs):
        attach(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("another request committed first")

    monkeypatch.setattr(evidence, "attach_photos", collide_once)
    client.force_login(assessor)
    meta, files = two_photos(proposal.cycle)

    response = post_with_photos(
        client, proposal, sheet_payload(proposal.cycle, token=uuid.uuid4(), photos=meta), files
    )

    assert response.status_code == 200, response.json()
    assert len(calls) == 2
    assert len(names_in_rows()) == 2
    assert stored_files(settings) == names_in_rows()


# --- check_stored_files and the files no row names --------------------------------------


def leave_orphan(settings, name="bukti/9/sisa.jpg"):
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(factories.jpeg_bytes())
    return name


def test_check_stored_files_names_a_photo_file_without_its_row(assessor, proposal, settings):
    sheet = factories.make_sheet(proposal=proposal, assessor=assessor)
    kept = factories.make_photo(sheet=sheet, indicator=indicators_of(proposal.cycle)[0])
    orphan = leave_orphan(settings)
    out = io.StringIO()

    call_command("check_stored_files", stdout=out)

    assert f"TANPA CATATAN: {orphan}" in out.getvalue()
    assert kept.file.name not in out.getvalue()
    assert "1 berkas foto tanpa catatan" in out.getvalue()
    assert [name for _, _, name in integrity.orphan_files()] == [orphan]


def test_delete_orphans_removes_only_old_files_without_a_row(assessor, proposal, settings):
    sheet = factories.make_sheet(proposal=proposal, assessor=assessor)
    kept = factories.make_photo(sheet=sheet, indicator=indicators_of(proposal.cycle)[0])
    old = leave_orphan(settings, "bukti/9/lama.jpg")
    two_hours_ago = (settings.MEDIA_ROOT / old).stat().st_mtime - 7200
    os.utime(settings.MEDIA_ROOT / old, (two_hours_ago, two_hours_ago))
    recent = leave_orphan(settings, "bukti/9/baru.jpg")  # a write may still be committing

    call_command("check_stored_files", "--delete-orphans", stdout=io.StringIO())

    assert stored_files(settings) == sorted([kept.file.name, recent])


# --- server photos taken off a reopened sheet --------------------------------------------


@pytest.fixture
def reopened(assessor, admin_dpmppa, proposal):
    """A sent sheet with two photos of the first indicator, reopened: the draft's rows name
    the same files."""
    first = indicators_of(proposal.cycle)[0]
    sent = factories.make_sheet(proposal=proposal, assessor=assessor)
    factories.make_photo(sheet=sent, indicator=first, color=(200, 0, 0))
    factories.make_photo(sheet=sent, indicator=first, color=(0, 0, 200))
    return scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Foto A1 salah")


def post_json(client, proposal, payload):
    return client.post(
        reverse("assessments:scoring-save", args=[proposal.pk]),
        data=json.dumps(payload),
        content_type="application/json",
    )


def test_reopened_sheet_is_sent_without_the_server_photo_its_assessor_removed(
    client, assessor, proposal, reopened, settings
):
    removed, kept = reopened.photos.order_by("pk")
    client.force_login(assessor)
    payload = sheet_payload(proposal.cycle, token=reopened.client_token)
    payload["remove_photos"] = [removed.pk]

    response = post_json(client, proposal, payload)

    assert response.status_code == 200, response.json()
    reopened.refresh_from_db()
    assert reopened.status == "SENT"
    assert list(reopened.photos.values_list("pk", flat=True)) == [kept.pk]
    # The sent version it replaces keeps both, as sent; so the file stays.
    assert Assessment.objects.get(status="SUPERSEDED").photos.count() == 2
    assert removed.file.name in stored_files(settings)


def test_a_removed_photo_no_other_version_holds_loses_its_file_after_the_send(
    client, assessor, proposal, reopened, settings, django_capture_on_commit_callbacks
):
    added = factories.make_photo(
        sheet=reopened, indicator=indicators_of(proposal.cycle)[0], color=(0, 200, 0)
    )
    client.force_login(assessor)
    payload = sheet_payload(proposal.cycle, token=reopened.client_token)
    payload["remove_photos"] = [added.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, proposal, payload)

    assert response.status_code == 200, response.json()
    assert not EvidencePhoto.objects.filter(pk=added.pk).exists()
    assert added.file.name not in stored_files(settings)
    assert stored_files(settings) == sorted(set(names_in_rows()))


def test_a_draft_save_keeps_the_photos_marked_for_removal(client, assessor, proposal, reopened):
    client.force_login(assessor)
    payload = sheet_payload(proposal.cycle, token=reopened.client_token, action="draft")
    payload["remove_photos"] = list(reopened.photos.values_list("pk", flat=True))

    response = post_json(client, proposal, payload)

    assert response.status_code == 200, response.json()
    assert reopened.photos.count() == 2


def test_removing_a_photo_frees_room_for_a_new_one_of_the_same_indicator(
    client, assessor, proposal, reopened
):
    first = indicators_of(proposal.cycle)[0]
    third = factories.make_photo(sheet=reopened, indicator=first, color=(9, 9, 9))
    client.force_login(assessor)
    meta = [{"file": "foto-0", "indicator": first.pk, "code": first.code}]
    payload = sheet_payload(proposal.cycle, token=reopened.client_token, photos=meta)
    payload["remove_photos"] = [third.pk]

    response = post_with_photos(
        client, proposal, payload, {"foto-0": factories.jpeg_bytes(color=(250, 250, 0))}
    )

    assert response.status_code == 200, response.json()
    assert reopened.photos.filter(indicator=first).count() == 3
    assert not reopened.photos.filter(pk=third.pk).exists()


def test_a_photo_of_another_sheet_cannot_be_removed(
    client, assessor, colleague, proposal, reopened
):
    theirs = factories.make_sheet(proposal=proposal, assessor=colleague)
    photo = factories.make_photo(sheet=theirs, indicator=indicators_of(proposal.cycle)[0])
    client.force_login(assessor)
    payload = sheet_payload(proposal.cycle, token=reopened.client_token)
    payload["remove_photos"] = [photo.pk]

    response = post_json(client, proposal, payload)

    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "Foto yang akan dihapus tidak ada pada lembar ini."
    )
    assert EvidencePhoto.objects.filter(pk=photo.pk).exists()
    reopened.refresh_from_db()
    assert (reopened.status, reopened.photos.count()) == ("DRAFT", 2)
