"""The restore drill of README "Backup and restore", run on the test database of
whichever engine the suite runs on (SQLite in memory, or PostgreSQL via DATABASE_URL):
back up, wipe the data and the stored PDFs, restore with the documented commands, and
the final decree verifies again from the same stored file."""

import datetime
import hashlib
import io
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from awards.issuing import create_draft_decree, finalise_decree
from awards.models import Decree
from tests import factories

# The restore replaces the whole database: it cannot run inside a test's transaction.
# serialized_rollback: the flush after a transactional test would drop migrated data.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def backup_dir(tmp_path, monkeypatch):
    """BACKUP_DIR in the test's own folder. dbbackup reads STORAGES["dbbackup"] once, at
    import, into dbbackup.settings; its storage reads the options from there per call."""
    from dbbackup import settings as dbbackup_settings

    location = tmp_path / "backups"
    monkeypatch.setattr(dbbackup_settings, "STORAGE_OPTIONS", {"location": str(location)})
    return location


@pytest.fixture
def final_decree(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(
        year=2025, winners=[("Buluran Kenali", 5, 132)], assessor=assessor, by=admin_dpmppa
    )
    draft = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    draft.number, draft.decided_on = "188 TAHUN 2025", datetime.date(2025, 11, 2)
    draft.signatory_name = "Maulana"
    draft.save()
    return finalise_decree(draft, by=admin_dpmppa)


def verify(client, code):
    cache.clear()  # the unknown-code throttle must not get in the way of the drill
    return client.get(reverse("awards:verify", kwargs={"code": code}))


def file_sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_wipe_restore_and_the_final_decree_verifies_from_the_same_file(
    client, backup_dir, final_decree
):
    code, recorded_sha = final_decree.verification_code, final_decree.pdf_sha256
    pdf_path = settings.MEDIA_ROOT / final_decree.pdf.name
    assert file_sha256(pdf_path) == recorded_sha
    assert "SK terdaftar dan berlaku" in verify(client, code).content.decode()

    call_command("dbbackup", "--noinput", "--quiet")
    call_command("mediabackup", "--noinput", "--quiet")
    assert len([p for p in backup_dir.iterdir() if not p.name.endswith(".metadata")]) == 2

    # Disaster: every table emptied, the media folder gone.
    call_command("flush", "--noinput")
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Decree.objects.exists()
    assert verify(client, code).status_code == 404

    call_command("dbrestore", "--noinput", "--quiet")
    call_command("mediarestore", "--noinput", "--quiet", "--replace")

    restored = Decree.objects.get(verification_code=code)
    assert restored.status == Decree.Status.FINAL
    assert restored.pdf_sha256 == recorded_sha
    assert file_sha256(settings.MEDIA_ROOT / restored.pdf.name) == recorded_sha
    response = verify(client, code)
    assert response.status_code == 200
    html = response.content.decode()
    assert "SK terdaftar dan berlaku" in html
    assert "Berkas PDF SK yang tersimpan di server cocok dengan sidik jari ini." in html
    out = io.StringIO()
    call_command("check_stored_files", stdout=out)
    assert "Semua berkas tersimpan utuh." in out.getvalue()


def test_restore_without_the_media_backup_is_caught_by_the_check(client, backup_dir, final_decree):
    """Restoring only the database (media forgotten) must not pass for a full restore."""
    code = final_decree.verification_code
    call_command("dbbackup", "--noinput", "--quiet")
    call_command("flush", "--noinput")
    shutil.rmtree(settings.MEDIA_ROOT)

    call_command("dbrestore", "--noinput", "--quiet")

    assert "tidak ditemukan</strong>" in verify(client, code).content.decode()
    with pytest.raises(CommandError, match="1 hilang"):
        call_command("check_stored_files", stdout=io.StringIO())
