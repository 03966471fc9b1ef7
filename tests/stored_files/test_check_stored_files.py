"""manage.py check_stored_files: every stored PDF re-hashed against its recorded SHA-256."""

import io

import pytest
from django.core.management import CommandError, call_command

from documents.models import DocumentJob
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(admin_dpmppa):
    """A final decree, a certificate and a Berita Acara, each with its stored PDF."""
    cycle = factories.make_cycle(year=2024, period=1, stage="DITETAPKAN")
    award = factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=5)
    decree = factories.make_decree(cycle=cycle, number="188 TAHUN 2024")
    job = DocumentJob.objects.create(
        kind="berita_acara", subject="meeting:1", status="DONE", requested_by=admin_dpmppa
    )
    return {
        "decree": factories.store_pdf(
            record=decree, field="pdf", sha_field="pdf_sha256", data=b"%PDF sk"
        ),
        "award": factories.store_pdf(
            record=award,
            field="certificate_pdf",
            sha_field="certificate_sha256",
            data=b"%PDF piagam",
        ),
        "job": factories.store_pdf(
            record=job, field="file", sha_field="sha256", data=b"%PDF berita acara"
        ),
    }


def run_check():
    out = io.StringIO()
    call_command("check_stored_files", stdout=out)
    return out.getvalue()


def test_intact_files_pass_with_a_summary(stored):
    output = run_check()

    assert "Diperiksa 3 berkas: 3 utuh, 0 hilang, 0 berubah." in output
    assert "Semua berkas tersimpan utuh." in output


def test_missing_decree_file_is_listed_and_fails(stored):
    decree = stored["decree"]
    decree.pdf.storage.delete(decree.pdf.name)
    out = io.StringIO()

    with pytest.raises(CommandError, match="3 berkas: 2 utuh, 1 hilang, 0 berubah"):
        call_command("check_stored_files", stdout=out)

    assert f"HILANG: SK Wali Kota (id {decree.pk}) {decree.pdf.name}" in out.getvalue()


def test_changed_certificate_is_listed_and_fails(stored):
    award = stored["award"]
    with open(award.certificate_pdf.path, "ab") as f:
        f.write(b" diubah")
    out = io.StringIO()

    with pytest.raises(CommandError, match="3 berkas: 2 utuh, 0 hilang, 1 berubah"):
        call_command("check_stored_files", stdout=out)

    assert f"BERUBAH: Piagam (id {award.pk}) {award.certificate_pdf.name}" in out.getvalue()


def test_missing_berita_acara_is_listed(stored):
    job = stored["job"]
    job.file.storage.delete(job.file.name)
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 hilang"):
        call_command("check_stored_files", stdout=out)

    assert f"HILANG: Dokumen latar (id {job.pk})" in out.getvalue()


def test_recorded_sha256_without_a_file_name_counts_as_missing(stored):
    decree = stored["decree"]
    type(decree).objects.filter(pk=decree.pk).update(pdf="")

    with pytest.raises(CommandError, match="1 hilang"):
        run_check()


def test_records_without_a_recorded_sha256_are_not_checked(admin_dpmppa):
    DocumentJob.objects.create(kind="berita_acara", subject="meeting:1", status="FAILED")

    assert "Diperiksa 0 berkas" in run_check()


def test_large_file_is_hashed_whole_in_chunks(stored):
    """A file longer than one chunk: the hash covers every chunk, not just the first."""
    from stored_files import integrity

    big = b"%PDF" + b"x" * (3 * integrity.CHUNK_SIZE + 17)
    factories.store_pdf(record=stored["job"], field="file", sha_field="sha256", data=big)
    assert "3 utuh" in run_check()

    job = stored["job"]
    job.refresh_from_db()
    with open(job.file.path, "r+b") as f:
        f.seek(len(big) - 1)
        f.write(b"y")  # the last byte, in the last chunk

    with pytest.raises(CommandError, match="1 berubah"):
        run_check()
