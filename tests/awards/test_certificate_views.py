"""Staff certificate pages: scope on every path, constant queries, batches on the worker."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from awards.models import Award
from documents.models import DocumentJob
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    return factories.make_cycle(year=2024, period=1, stage="DITETAPKAN")


@pytest.fixture
def award_in_scope(cycle):
    """RT 05 Buluran Kenali (Kecamatan Telanaipura)."""
    return factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=5)


@pytest.fixture
def award_other_kelurahan(cycle):
    """RT 04 Telanaipura: same kecamatan, other kelurahan."""
    return factories.make_winner(cycle=cycle, kelurahan="Telanaipura", number=4, kk_count=70)


@pytest.fixture
def award_out_of_scope(cycle):
    """RT 03 Kenali Asam (Kecamatan Kota Baru)."""
    return factories.make_winner(cycle=cycle, kelurahan="Kenali Asam", number=3, kk_count=40)


@pytest.fixture
def final(cycle, award_in_scope, award_other_kelurahan, award_out_of_scope):
    return factories.make_decree(cycle=cycle, number="188 TAHUN 2024")


def login(client, user):
    client.force_login(user)
    return client


def pdf_pages(data):
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def download(client, award):
    return client.get(reverse("awards:certificate-pdf", args=[award.pk]))


# --- Single downloads -----------------------------------------------------------------


def test_admin_downloads_a_certificate_and_it_is_stored(client, admin_dpmppa, final):
    award = Award.objects.get(rt__number=5)

    response = download(login(client, admin_dpmppa), award)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "piagam-2024-I-buluran-kenali-rt05.pdf" in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    assert len(pages) == 1 and "RUKUN TETANGGA (RT) 05" in pages[0]
    award.refresh_from_db()
    assert award.certificate_sha256


def test_kelurahan_officer_downloads_own_rt(client, kelurahan_officer, final, award_in_scope):
    assert download(login(client, kelurahan_officer), award_in_scope).status_code == 200


def test_kelurahan_officer_cannot_download_other_kelurahan(
    client, kelurahan_officer, final, award_other_kelurahan
):
    assert download(login(client, kelurahan_officer), award_other_kelurahan).status_code == 404


def test_kecamatan_officer_downloads_within_kecamatan_only(
    client, kecamatan_officer, final, award_other_kelurahan, award_out_of_scope
):
    login(client, kecamatan_officer)

    assert download(client, award_other_kelurahan).status_code == 200
    assert download(client, award_out_of_scope).status_code == 404


def test_assessor_cannot_download_certificates(client, assessor, final, award_in_scope):
    assert download(login(client, assessor), award_in_scope).status_code == 404


def test_anonymous_is_sent_to_login(client, final, award_in_scope):
    response = download(client, award_in_scope)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_download_without_final_decree_is_refused_with_a_message(
    client, admin_dpmppa, cycle, award_in_scope
):
    factories.make_decree(cycle=cycle, status="DRAFT")

    response = login(client, admin_dpmppa).get(
        reverse("awards:certificate-pdf", args=[award_in_scope.pk]), follow=True
    )

    assert "SK Wali Kota untuk periode ini belum final" in response.content.decode()
    award_in_scope.refresh_from_db()
    assert award_in_scope.certificate_sha256 == ""


def test_regenerate_is_for_admin_only(client, admin_dpmppa, kelurahan_officer, final):
    award = Award.objects.get(rt__number=5)
    download(login(client, admin_dpmppa), award)
    award.refresh_from_db()
    first_sha = award.certificate_sha256
    url = reverse("awards:certificate-regenerate", args=[award.pk])

    denied = login(client, kelurahan_officer).post(url)
    award.refresh_from_db()
    assert denied.status_code == 404 and award.certificate_sha256 == first_sha

    allowed = login(client, admin_dpmppa).post(url, follow=True)
    assert "dibuat ulang" in allowed.content.decode()


# --- The certificates page -------------------------------------------------------------


def list_page(client, cycle):
    return client.get(reverse("awards:certificate-list", args=[cycle.pk]))


def test_certificates_page_lists_only_the_users_scope(client, kelurahan_officer, cycle, final):
    html = list_page(login(client, kelurahan_officer), cycle).content.decode()

    assert "Buluran Kenali" in html
    assert "Kenali Asam" not in html
    assert "RT 04" not in html
    assert "Semua RT" not in html  # the whole-cycle batch is the Admin's


def test_certificates_page_is_404_for_assessors(client, assessor, cycle, final):
    assert list_page(login(client, assessor), cycle).status_code == 404


def test_certificates_page_without_final_decree_explains_why(client, admin_dpmppa, cycle):
    factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=5)

    html = list_page(login(client, admin_dpmppa), cycle).content.decode()

    assert "SK Wali Kota untuk periode ini belum final" in html
    assert reverse("awards:certificate-batch", args=[cycle.pk]) not in html


def test_certificates_page_query_count_does_not_grow_with_awards(client, admin_dpmppa, cycle):
    factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=1)
    decree = factories.make_decree(cycle=cycle, lock_cycle=False)
    login(client, admin_dpmppa)
    list_page(client, cycle)  # warm the session

    with CaptureQueriesContext(connection) as small:
        assert list_page(client, cycle).status_code == 200
    for number in range(2, 12):
        factories.make_winner(cycle=cycle, kelurahan="Telanaipura", number=number)
    factories.make_winner(cycle=cycle, kelurahan="Kenali Asam", number=20)
    with CaptureQueriesContext(connection) as large:
        html = list_page(client, cycle).content.decode()

    assert decree.number_in_text() in html  # "188 Tahun 2024", as running text cites it
    assert html.count("Unduh PDF") == 12
    assert len(large.captured_queries) == len(small.captured_queries)


def test_certificate_cycles_index_links_cycles_in_scope(client, kelurahan_officer, cycle, final):
    other = factories.make_cycle(year=2023, period=1, stage="DITETAPKAN")
    factories.make_winner(cycle=other, kelurahan="Kenali Asam", number=8)

    html = login(client, kelurahan_officer).get(reverse("awards:certificate-cycles"))
    html = html.content.decode()

    assert reverse("awards:certificate-list", args=[cycle.pk]) in html
    assert reverse("awards:certificate-list", args=[other.pk]) not in html


# --- Batches ---------------------------------------------------------------------------


def start_batch(client, cycle, scope, area=None, capture=None):
    data = {"scope": scope}
    if area is not None:
        data["area"] = area
    url = reverse("awards:certificate-batch", args=[cycle.pk])
    if capture is None:
        return client.post(url, data)
    with capture(execute=True):
        return client.post(url, data)


def test_admin_batch_for_the_cycle_is_one_pdf_with_a_page_per_award(
    client, admin_dpmppa, cycle, final, immediate_tasks, django_capture_on_commit_callbacks
):
    login(client, admin_dpmppa)

    response = start_batch(client, cycle, "cycle", capture=django_capture_on_commit_callbacks)

    job = DocumentJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:job", args=[job.pk])
    assert job.kind == "certificates" and job.subject == f"certificates:cycle:{cycle.pk}"
    assert job.status == DocumentJob.Status.DONE, job.error
    with job.file.open("rb") as f:
        pages = pdf_pages(f.read())
    assert len(pages) == 3
    assert all("Nomor 188 Tahun 2024" in p for p in pages)
    # The batch gave every RT its own stored certificate file (its page of the batch).
    for award in Award.objects.all():
        with award.certificate_pdf.open("rb") as f:
            own = pdf_pages(f.read())
        assert len(own) == 1
        assert f"RUKUN TETANGGA (RT) {award.proposal.rt_number:02d}" in own[0]
        assert len(award.certificate_sha256) == 64


def test_batch_keeps_certificates_already_stored(
    client, admin_dpmppa, cycle, final, immediate_tasks, django_capture_on_commit_callbacks
):
    award = Award.objects.get(rt__number=5)
    login(client, admin_dpmppa)
    download(client, award)
    award.refresh_from_db()
    stored = award.certificate_sha256

    start_batch(client, cycle, "cycle", capture=django_capture_on_commit_callbacks)

    award.refresh_from_db()
    assert award.certificate_sha256 == stored


def test_kelurahan_batch_holds_only_that_kelurahan(
    client,
    kelurahan_officer,
    cycle,
    final,
    award_in_scope,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    login(client, kelurahan_officer)
    kelurahan_id = award_in_scope.rt.kelurahan_id

    start_batch(
        client, cycle, "kelurahan", kelurahan_id, capture=django_capture_on_commit_callbacks
    )

    job = DocumentJob.objects.get()
    assert job.subject == f"certificates:kelurahan:{cycle.pk}:{kelurahan_id}"
    with job.file.open("rb") as f:
        pages = pdf_pages(f.read())
    assert len(pages) == 1 and "KELURAHAN BULURAN KENALI" in pages[0]
    assert job.file.name.endswith("-kelurahan-buluran-kenali.pdf")
    # the requester sees the job's page
    assert client.get(reverse("documents:job", args=[job.pk])).status_code == 200


def test_kecamatan_batch_for_kecamatan_officer(
    client,
    kecamatan_officer,
    cycle,
    final,
    award_in_scope,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    login(client, kecamatan_officer)
    kecamatan_id = award_in_scope.rt.kelurahan.kecamatan_id

    start_batch(
        client, cycle, "kecamatan", kecamatan_id, capture=django_capture_on_commit_callbacks
    )

    with DocumentJob.objects.get().file.open("rb") as f:
        pages = pdf_pages(f.read())
    assert len(pages) == 2
    assert all("KECAMATAN TELANAIPURA" in p for p in pages)


def test_batches_outside_scope_are_404_and_start_nothing(
    client, kelurahan_officer, cycle, final, award_other_kelurahan, award_out_of_scope
):
    login(client, kelurahan_officer)
    other_kel = award_other_kelurahan.rt.kelurahan_id
    own_kec = award_other_kelurahan.rt.kelurahan.kecamatan_id
    other_kec = award_out_of_scope.rt.kelurahan.kecamatan_id

    assert start_batch(client, cycle, "cycle").status_code == 404
    assert start_batch(client, cycle, "kelurahan", other_kel).status_code == 404
    assert start_batch(client, cycle, "kecamatan", own_kec).status_code == 404
    assert start_batch(client, cycle, "kecamatan", other_kec).status_code == 404
    assert not DocumentJob.objects.exists()


def test_batch_without_final_decree_is_refused(client, admin_dpmppa, cycle, award_in_scope):
    factories.make_decree(cycle=cycle, status="DRAFT")

    response = start_batch(login(client, admin_dpmppa), cycle, "cycle")

    assert response.status_code == 302
    assert response["Location"] == reverse("awards:certificate-list", args=[cycle.pk])
    assert not DocumentJob.objects.exists()


def test_failed_batch_is_shown_and_leaves_no_file(cycle, final, admin_dpmppa, monkeypatch):
    from documents.jobs import run_document_job

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint rusak")

    monkeypatch.setattr("awards.certificates.render_certificate_chunks", broken)
    job = DocumentJob.objects.create(
        kind="certificates", subject=f"certificates:cycle:{cycle.pk}", requested_by=admin_dpmppa
    )

    run_document_job(job.pk)

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED
    assert "WeasyPrint rusak" in job.error
    assert not job.file
    assert not Award.objects.exclude(certificate_sha256="").exists()


def test_award_admin_links_to_the_certificates_page(client, kelurahan_officer, final):
    html = login(client, kelurahan_officer).get("/admin/awards/award/").content.decode()

    assert reverse("awards:certificate-cycles") in html
