"""Every download of a stored PDF: a file gone from the server gives a clear 410 page,
never a server error; an intact file still downloads."""

import pytest
from django.urls import reverse

from documents import jobs
from documents.models import DocumentJob
from tests import factories

pytestmark = pytest.mark.django_db

MISSING_TEXT = (
    "Berkas tersimpan tidak ditemukan di server. Hubungi admin TI untuk memulihkan dari cadangan."
)
PDF = b"%PDF-1.4 berkas uji\n"


@pytest.fixture
def cycle():
    return factories.make_cycle(year=2024, period=1, stage="DITETAPKAN")


@pytest.fixture
def award(cycle):
    return factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=5)


@pytest.fixture
def decree(cycle, award):
    decree = factories.make_decree(cycle=cycle, number="188 TAHUN 2024")
    return factories.store_pdf(record=decree, field="pdf", sha_field="pdf_sha256", data=PDF)


@pytest.fixture
def certificate(decree, award):
    return factories.store_pdf(
        record=award, field="certificate_pdf", sha_field="certificate_sha256", data=PDF
    )


@pytest.fixture
def job(admin_dpmppa):
    job = DocumentJob.objects.create(
        kind="berita_acara", subject="meeting:1", status="DONE", requested_by=admin_dpmppa
    )
    return factories.store_pdf(record=job, field="file", sha_field="sha256", data=PDF)


def remove(fieldfile):
    fieldfile.storage.delete(fieldfile.name)


def assert_missing_page(response):
    assert response.status_code == 410
    assert MISSING_TEXT in response.content.decode()


def test_certificate_download_of_a_missing_file_says_so(client, kelurahan_officer, certificate):
    client.force_login(kelurahan_officer)
    url = reverse("awards:certificate-pdf", args=[certificate.pk])
    assert client.get(url).content == PDF

    remove(certificate.certificate_pdf)

    assert_missing_page(client.get(url))
    certificate.refresh_from_db()
    assert certificate.certificate_sha256  # the record is left alone: restore, not re-render


def test_decree_download_of_a_missing_file_says_so(client, admin_dpmppa, decree):
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_decree_download", args=[decree.pk])
    assert b"".join(client.get(url).streaming_content) == PDF

    remove(decree.pdf)

    assert_missing_page(client.get(url))


def test_document_download_of_a_missing_file_says_so(client, admin_dpmppa, job):
    client.force_login(admin_dpmppa)
    url = reverse("documents:download", args=[job.pk])
    assert b"".join(client.get(url).streaming_content) == PDF

    remove(job.file)

    assert_missing_page(client.get(url))


def test_missing_file_page_stays_in_scope(client, other_kelurahan_officer, certificate):
    remove(certificate.certificate_pdf)
    client.force_login(other_kelurahan_officer)

    response = client.get(reverse("awards:certificate-pdf", args=[certificate.pk]))

    assert response.status_code == 404


def test_decree_copy_on_the_worker_fails_with_the_message_when_the_file_is_missing(
    admin_dpmppa, decree, immediate_tasks, django_capture_on_commit_callbacks
):
    remove(decree.pdf)

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_document_job(kind="decree", subject=f"decree:{decree.pk}", by=admin_dpmppa)
    job.refresh_from_db()

    assert job.status == DocumentJob.Status.FAILED
    assert job.error == MISSING_TEXT
