"""Piagam PDFs read back: the recipient line, predicate, decree number, one page each."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from awards import certificates
from awards.models import Award
from tests import factories

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def cycle():
    return factories.make_cycle(year=2024, period=1, stage="DITETAPKAN")


@pytest.fixture
def award(cycle):
    return factories.make_winner(
        cycle=cycle, kelurahan="Buluran Kenali", number=5, kk_count=132, ketua_name="Sutrisno"
    )


def test_certificate_names_rt_category_and_decree(cycle, award):
    factories.make_decree(cycle=cycle, number="188 TAHUN 2024", signatory_name="H. Ahmad Subrata")

    reader, pages = pdf_text(certificates.render_certificate_pdf([award]))

    assert len(pages) == 1
    text = pages[0]
    assert "PIAGAM PENGHARGAAN" in text
    assert "PEMERINTAH KOTA JAMBI" in text
    assert "RUKUN TETANGGA (RT) 05" in text
    assert "KELURAHAN BULURAN KENALI KECAMATAN TELANAIPURA" in text
    assert "KAMPUNG BERSIH, AMAN DAN PINTAR (BANTAR) KATEGORI BESAR TAHUN 2024" in text
    assert "Keputusan Wali Kota Jambi Nomor 188 Tahun 2024 tanggal 19 Agustus 2024" in text
    assert "H. AHMAD SUBRATA" in text
    assert "Sutrisno" in text
    assert certificates.display_code(award.certificate_code) in text
    assert f"/verifikasi/{award.certificate_code}" in text
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    assert reader.metadata.title.startswith("Piagam Penghargaan Kampung BANTAR")


def test_certificate_cites_the_decree_number_as_typed(cycle, award):
    factories.make_decree(cycle=cycle, number="Nomor 42 Tahun 2024")

    _, pages = pdf_text(certificates.render_certificate_pdf([award]))

    assert "Keputusan Wali Kota Jambi Nomor 42 Tahun 2024 tanggal 19 Agustus 2024" in pages[0]


def test_kencana_certificate_says_kampung_bantar_kencana(cycle):
    award = factories.make_winner(cycle=cycle, kelurahan="Telanaipura", number=2, tier="KENCANA")
    factories.make_decree(cycle=cycle)

    _, pages = pdf_text(certificates.render_certificate_pdf([award]))

    assert "KAMPUNG BANTAR KENCANA KATEGORI BESAR TAHUN 2024" in pages[0]


def test_certificate_prints_its_number_when_given(cycle):
    rt = factories.make_rt(kelurahan="Telanaipura", number=7, kk_count=40)
    proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")
    award = factories.make_award(proposal=proposal, certificate_number="400/77/DPMPPA/2024")
    factories.make_decree(cycle=cycle)

    _, pages = pdf_text(certificates.render_certificate_pdf([award]))

    assert "Nomor : 400/77/DPMPPA/2024" in pages[0]
    assert "KATEGORI KECIL" in pages[0]


def test_certificate_uses_the_snapshot_not_the_current_rt(cycle, award):
    factories.make_decree(cycle=cycle)
    rt = award.rt
    rt.number = 9
    rt.save()

    _, pages = pdf_text(certificates.render_certificate_pdf([Award.objects.get(pk=award.pk)]))

    assert "RUKUN TETANGGA (RT) 05" in pages[0]


def test_f4_decree_gives_f4_landscape_certificates(cycle, award):
    factories.make_decree(cycle=cycle, paper_size="F4")

    reader, _ = pdf_text(certificates.render_certificate_pdf([award]))

    box = reader.pages[0].mediabox
    # 330 x 215 mm in points
    assert round(float(box.width) / 72 * 25.4) == 330
    assert round(float(box.height) / 72 * 25.4) == 215


def test_a4_is_the_default_paper(cycle, award):
    factories.make_decree(cycle=cycle)

    reader, _ = pdf_text(certificates.render_certificate_pdf([award]))

    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 297
    assert round(float(box.height) / 72 * 25.4) == 210


def test_no_certificate_without_a_final_decree(cycle, award):
    factories.make_decree(cycle=cycle, status="DRAFT")

    with pytest.raises(ValidationError, match="belum final"):
        certificates.render_certificate_pdf([award])


def test_no_certificate_under_a_revoked_decree(cycle, award):
    factories.make_decree(cycle=cycle, status="REVOKED")

    with pytest.raises(ValidationError, match="belum final"):
        certificates.render_certificate_pdf([award])


def test_batch_is_one_document_with_one_page_per_award_in_city_order(cycle):
    a1 = factories.make_winner(cycle=cycle, kelurahan="Telanaipura", number=3, kk_count=60)
    a2 = factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=12)
    a3 = factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=2, kk_count=30)
    factories.make_decree(cycle=cycle)
    awards = certificates.awards_for_certificates(Award.objects.filter(cycle=cycle))

    _, pages = pdf_text(certificates.render_certificate_pdf(awards))

    assert len(pages) == 3
    assert "RUKUN TETANGGA (RT) 02" in pages[0] and "KATEGORI KECIL" in pages[0]
    assert "RUKUN TETANGGA (RT) 12" in pages[1] and "KATEGORI BESAR" in pages[1]
    assert "RUKUN TETANGGA (RT) 03" in pages[2] and "KATEGORI SEDANG" in pages[2]
    assert {a1.pk, a2.pk, a3.pk} == {a.pk for a in awards}


def test_first_download_stores_the_file_and_its_sha256(cycle, award):
    factories.make_decree(cycle=cycle)

    data = certificates.certificate_pdf_for_award(award)

    award.refresh_from_db()
    assert award.certificate_pdf.name.endswith(".pdf")
    assert award.certificate_sha256 == certificates.sha256_hex(data)
    with award.certificate_pdf.open("rb") as f:
        assert f.read() == data


def test_later_downloads_return_the_stored_file_until_regenerated(cycle, award):
    factories.make_decree(cycle=cycle)
    first = certificates.certificate_pdf_for_award(award)

    again = certificates.certificate_pdf_for_award(award)
    regenerated = certificates.certificate_pdf_for_award(award, regenerate=True)

    assert again == first
    award.refresh_from_db()
    assert award.certificate_sha256 == certificates.sha256_hex(regenerated)
    assert award.history.count() >= 3  # created, stored, regenerated: on record


@pytest.mark.parametrize("paper_size", ["A4", "F4"])
def test_longest_names_with_number_and_ketua_still_fit_one_page(cycle, paper_size):
    """Kelurahan Orang Kayo Hitam, Kecamatan Pasar Jambi: among the city's longest names."""
    from rt_registry.models import Kelurahan

    rt = factories.make_rt(
        kelurahan=Kelurahan.objects.get(name="Orang Kayo Hitam"),
        number=15,
        kk_count=70,
        ketua_name="Muhammad Abdurrahman Syahputra Nasution",
    )
    proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")
    award = factories.make_award(
        proposal=proposal, tier="KENCANA", certificate_number="400.14/1234/DPMPPA/2024"
    )
    factories.make_decree(cycle=cycle, paper_size=paper_size, signatory_name="Dr. dr. H. Maulana")

    _, pages = pdf_text(certificates.render_certificate_pdf([award, award]))

    assert len(pages) == 2
    assert "KELURAHAN ORANG KAYO HITAM KECAMATAN PASAR JAMBI" in pages[0]
    assert "DR. DR. H. MAULANA" in pages[0]


def split_batch(cycle):
    """Render the cycle's batch as the worker does and split it; return the queries the
    split ran (awards loaded before, as render_certificates_job loads them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    awards = list(certificates.awards_for_certificates(Award.objects.filter(cycle=cycle)))
    data = certificates.render_certificate_pdf(awards)
    with CaptureQueriesContext(connection) as ctx:
        certificates.store_first_certificates(awards, data)
    return len(ctx.captured_queries)


def test_batch_split_stores_each_rts_page_with_history_in_constant_queries():
    small = factories.make_cycle(year=2024, period=1, stage="DITETAPKAN")
    large = factories.make_cycle(year=2025, period=1, stage="DITETAPKAN")
    for number in (1, 2):
        factories.make_winner(cycle=small, kelurahan="Buluran Kenali", number=number)
    for number in (1, 2, 3, 4, 5):
        factories.make_winner(cycle=large, kelurahan="Telanaipura", number=number)
    factories.make_decree(cycle=small)
    factories.make_decree(cycle=large, number="189 TAHUN 2025")

    assert split_batch(small) == split_batch(large)

    # Each file holds its own page's resources only, not the whole batch's.
    xobjects = set()
    for award in Award.objects.filter(cycle__in=[small, large]):
        with award.certificate_pdf.open("rb") as f:
            resources = PdfReader(f).pages[0]["/Resources"]
            xobjects.add(len(resources["/XObject"]))
    assert xobjects == {2}  # the emblem and the QR code, both PNG images
    for award in Award.objects.filter(cycle=large):
        with award.certificate_pdf.open("rb") as f:
            data = f.read()
        reader, pages = pdf_text(data)
        assert len(pages) == 1
        assert f"RUKUN TETANGGA (RT) {award.proposal.rt_number:02d}" in pages[0]
        assert "KELURAHAN TELANAIPURA" in pages[0]
        assert award.certificate_sha256 == certificates.sha256_hex(data)
        assert award.certificate_pdf.name.endswith(
            f"piagam-2025-I-telanaipura-rt{award.proposal.rt_number:02d}.pdf"
        )
        latest = award.history.first()  # the stored file is on record, as save() records it
        assert latest.history_type == "~" and latest.certificate_sha256 == award.certificate_sha256


def test_batch_split_keeps_a_file_stored_while_the_batch_rendered(cycle, award):
    other = factories.make_winner(cycle=cycle, kelurahan="Telanaipura", number=7)
    factories.make_decree(cycle=cycle)
    awards = list(certificates.awards_for_certificates(Award.objects.filter(cycle=cycle)))
    data = certificates.render_certificate_pdf(awards)
    downloaded = certificates.certificate_pdf_for_award(award)  # a download meanwhile

    certificates.store_first_certificates(awards, data)

    award.refresh_from_db()
    other.refresh_from_db()
    assert award.certificate_sha256 == certificates.sha256_hex(downloaded)
    with award.certificate_pdf.open("rb") as f:
        assert f.read() == downloaded
    assert len(other.certificate_sha256) == 64
