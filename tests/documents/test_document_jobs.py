"""Background documents: job lifecycle, the worker path, progress page scope, PDF helper."""

import datetime
import io
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from documents import jobs
from documents.models import DocumentJob
from documents.pdf import STATIC_DIR, StaticOnlyURLFetcher, html_to_pdf, sha256_hex
from tests import factories

HTML = """<html><head><meta charset="utf-8"><title>Dokumen Uji</title>
<meta name="author" content="Pemerintah Kota Jambi">
<link rel="stylesheet" href="css/print-base.css"></head>
<body><h1>Berkas percobaan</h1><p>Isi <b>tebal</b> dan <i>miring</i>.</p></body></html>"""


def render_ok(job):
    jobs.job_progress(job, 1, 2)
    return "uji.pdf", html_to_pdf(HTML)


def render_fails(job):
    jobs.job_progress(job, 1, 3)
    raise ValidationError("Rapat belum punya peserta.")


def render_crashes(job):
    raise RuntimeError("disk penuh")


@pytest.fixture
def test_renderers(monkeypatch):
    monkeypatch.setitem(jobs.RENDERERS, "uji", f"{__name__}.render_ok")
    monkeypatch.setitem(jobs.RENDERERS, "uji_gagal", f"{__name__}.render_fails")
    monkeypatch.setitem(jobs.RENDERERS, "uji_crash", f"{__name__}.render_crashes")


def start(kind, user, capture):
    with capture(execute=True):
        job = jobs.start_document_job(kind=kind, subject="uji:1", by=user)
    job.refresh_from_db()
    return job


def test_job_renders_file_with_sha256(
    test_renderers, immediate_tasks, admin_dpmppa, django_capture_on_commit_callbacks
):
    job = start("uji", admin_dpmppa, django_capture_on_commit_callbacks)

    assert job.status == DocumentJob.Status.DONE
    data = job.file.read()
    assert data.startswith(b"%PDF")
    assert job.sha256 == sha256_hex(data)
    assert job.finished_at is not None
    assert job.requested_by == admin_dpmppa


def test_job_not_enqueued_before_commit(test_renderers, immediate_tasks, admin_dpmppa):
    job = jobs.start_document_job(kind="uji", subject="uji:1", by=admin_dpmppa)

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.QUEUED


def test_failed_job_keeps_message_and_no_file(
    test_renderers, immediate_tasks, admin_dpmppa, django_capture_on_commit_callbacks
):
    job = start("uji_gagal", admin_dpmppa, django_capture_on_commit_callbacks)

    assert job.status == DocumentJob.Status.FAILED
    assert job.error == "Rapat belum punya peserta."
    assert not job.file
    assert job.sha256 == ""
    assert job.progress == 1


def test_crashed_job_records_error_text(
    test_renderers, immediate_tasks, admin_dpmppa, django_capture_on_commit_callbacks
):
    job = start("uji_crash", admin_dpmppa, django_capture_on_commit_callbacks)

    assert job.status == DocumentJob.Status.FAILED
    assert "disk penuh" in job.error
    assert not job.file


def test_unknown_kind_is_refused(admin_dpmppa):
    with pytest.raises(ValidationError, match="tidak dikenal"):
        jobs.start_document_job(kind="entah", subject="x", by=admin_dpmppa)
    assert not DocumentJob.objects.exists()


def test_job_is_not_run_twice(test_renderers, immediate_tasks, admin_dpmppa, monkeypatch):
    job = DocumentJob.objects.create(kind="uji", subject="uji:1", requested_by=admin_dpmppa)
    jobs.run_document_job(job.pk)
    first = DocumentJob.objects.get(pk=job.pk)
    monkeypatch.setitem(jobs.RENDERERS, "uji", f"{__name__}.render_crashes")

    jobs.run_document_job(job.pk)

    again = DocumentJob.objects.get(pk=job.pk)
    assert again.status == DocumentJob.Status.DONE
    assert again.file.name == first.file.name


# serialized_rollback: the flush after a transactional test would drop migrated data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_worker_runs_queued_job(test_renderers, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = factories.make_user(username="admin.worker", role="Admin DPMPPA")
    job = jobs.start_document_job(kind="uji", subject="uji:1", by=user)  # autocommit
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 1
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentJob.Status.QUEUED

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE
    assert job.sha256 == sha256_hex(job.file.read())
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# Progress page, status JSON, download: requester or Admin DPMPPA only.


@pytest.fixture
def done_job(
    test_renderers, immediate_tasks, kecamatan_officer, django_capture_on_commit_callbacks
):
    return start("uji", kecamatan_officer, django_capture_on_commit_callbacks)


def test_requester_sees_progress_page_and_downloads(client, done_job, kecamatan_officer):
    client.force_login(kecamatan_officer)

    page = client.get(reverse("documents:job", args=[done_job.pk]))
    status = client.get(reverse("documents:status", args=[done_job.pk])).json()
    download = client.get(reverse("documents:download", args=[done_job.pk]))

    assert page.status_code == 200
    assert "js/document-job.js" in page.content.decode()
    assert status["status"] == "DONE"
    assert status["percent"] == 100
    assert status["download_url"].endswith("/unduh")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_admin_dpmppa_may_open_anyones_job(client, done_job, admin_dpmppa):
    client.force_login(admin_dpmppa)

    assert client.get(reverse("documents:download", args=[done_job.pk])).status_code == 200


@pytest.mark.parametrize("name", ["job", "status", "download"])
def test_other_user_gets_404_for_job(client, done_job, kelurahan_officer, name):
    client.force_login(kelurahan_officer)

    assert client.get(reverse(f"documents:{name}", args=[done_job.pk])).status_code == 404


def test_status_answers_401_when_logged_out(client, done_job):
    response = client.get(reverse("documents:status", args=[done_job.pk]))

    assert response.status_code == 401


def test_download_before_done_is_404(client, admin_dpmppa):
    job = DocumentJob.objects.create(kind="uji", subject="uji:1", requested_by=admin_dpmppa)
    client.force_login(admin_dpmppa)

    assert client.get(reverse("documents:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("documents:status", args=[job.pk])).json()["percent"] == 0


# PDF helper


def test_pdf_has_metadata_and_embedded_fonts():
    reader = PdfReader(io.BytesIO(html_to_pdf(HTML)))

    assert reader.metadata.title == "Dokumen Uji"
    assert reader.metadata.author == "Pemerintah Kota Jambi"
    assert "Berkas percobaan" in reader.pages[0].extract_text()
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
    names = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert any("Liberation-Serif-Bold" in n for n in names)
    assert any("Liberation-Serif-Italic" in n for n in names)


def test_pdf_refuses_network_and_files_outside_static(caplog):
    html = (
        '<html><body><img src="http://example.com/x.png"><img src="file:///etc/hostname">'
        '<img src="../manage.py"><p>aman</p></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="documents.pdf"):
        data = html_to_pdf(html)

    assert data.startswith(b"%PDF")
    refused = [r.getMessage() for r in caplog.records if r.name == "documents.pdf"]
    assert any("http://example.com/x.png" in m for m in refused)
    assert any("/etc/hostname" in m for m in refused)
    assert any("manage.py" in m for m in refused)


def test_pdf_serves_static_fonts():
    fetcher = StaticOnlyURLFetcher()

    response = fetcher.fetch((STATIC_DIR / "fonts" / "LiberationSerif-Regular.ttf").as_uri())

    assert response.read()[:4] == b"\x00\x01\x00\x00"


def test_pdf_a3b_variant_is_marked():
    reader = PdfReader(io.BytesIO(html_to_pdf(HTML, pdf_variant="pdf/a-3b")))

    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert "/OutputIntents" in root
    assert b'pdfaid:part="3"' in xmp
    assert b'pdfaid:conformance="B"' in xmp


def test_job_running_long_after_its_start_tells_the_user_to_remake(client, admin_dpmppa):
    job = DocumentJob.objects.create(
        kind="uji", subject="uji:1", requested_by=admin_dpmppa, status="RUNNING"
    )
    DocumentJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    client.force_login(admin_dpmppa)

    state = client.get(reverse("documents:status", args=[job.pk])).json()

    assert "30 menit setelah mulai dibuat" in state["error"]
    assert "Buat ulang" in state["error"]
    assert state["can_remake"] is True
    assert state["status"] == "RUNNING"


def test_staleness_counts_from_start_not_creation(client, admin_dpmppa):
    job = DocumentJob.objects.create(
        kind="uji", subject="uji:1", requested_by=admin_dpmppa, status="RUNNING"
    )
    # Waited two hours in the queue, picked up 29 minutes ago: still working, not stale.
    DocumentJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2),
        started_at=timezone.now() - datetime.timedelta(minutes=29),
    )
    client.force_login(admin_dpmppa)

    state = client.get(reverse("documents:status", args=[job.pk])).json()

    assert state["error"] == ""
    assert state["can_remake"] is False


def test_print_css_pages_a4_f4_and_landscape_annex():
    body = '<section><p>isi</p></section><section class="landscape"><p>lampiran</p></section>'
    head = '<html><head><link rel="stylesheet" href="css/print-base.css"></head>'
    a4 = PdfReader(io.BytesIO(html_to_pdf(f"{head}<body>{body}</body></html>")))
    f4 = PdfReader(io.BytesIO(html_to_pdf(f'{head}<body class="f4">{body}</body></html>')))

    def size_mm(page):
        return round(float(page.mediabox.width) / 72 * 25.4), round(
            float(page.mediabox.height) / 72 * 25.4
        )

    assert [size_mm(p) for p in a4.pages] == [(210, 297), (297, 210)]
    assert [size_mm(p) for p in f4.pages] == [(215, 330), (330, 215)]
    assert "Halaman 1 dari 2" in a4.pages[0].extract_text()


def test_a_document_made_again_downloads_under_its_plain_name(
    client, test_renderers, immediate_tasks, admin_dpmppa, django_capture_on_commit_callbacks
):
    start("uji", admin_dpmppa, django_capture_on_commit_callbacks)
    again = start("uji", admin_dpmppa, django_capture_on_commit_callbacks)
    client.force_login(admin_dpmppa)

    download = client.get(reverse("documents:download", args=[again.pk]))

    # The storage keeps both files (the second under a suffixed name); the clerk's download
    # is named as the document, not as the storage's second copy.
    assert again.file.name != "documents/uji.pdf"
    assert 'filename="uji.pdf"' in download["Content-Disposition"]
