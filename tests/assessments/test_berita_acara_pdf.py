"""The Berita Acara as the Bagian Hukum files it: DPMPPA letterhead with the city's
emblem and the configured address, rank and NIP under the signers, the recap annex signed,
an archival PDF/A-3b with a plain file name."""

import io

import pytest
from pypdf import PdfReader

from assessments.berita_acara import (
    berita_acara_filename,
    render_berita_acara_html,
    render_berita_acara_pdf,
)
from assessments.models import MeetingAttendee
from tests import factories


@pytest.fixture
def meeting(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(
        winners=[("Buluran Kenali", 5, 132)], assessor=assessor, by=admin_dpmppa
    )
    meeting = cycle.meeting
    MeetingAttendee.objects.create(
        meeting=meeting,
        name="Budi Santoso",
        position="Dinas Lingkungan Hidup",
        rank="Penata (III/c)",
        nip="198001012005011001",
        order=1,
    )
    MeetingAttendee.objects.create(
        meeting=meeting, name="Siti Aminah", position="Tokoh masyarakat", order=2
    )
    return meeting


def pages(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, [" ".join(p.extract_text().split()) for p in reader.pages]


def test_letterhead_has_the_emblem_and_configured_address(meeting):
    factories.make_document_identity(kop_address="Jl. Kapten Pattimura No. 2, Kota Jambi")
    html = render_berita_acara_html(meeting)
    assert 'src="data:image/png;base64,' in html
    assert "CONTOH" not in html
    _, text = pages(render_berita_acara_pdf(meeting))
    assert "DINAS PEMBERDAYAAN MASYARAKAT" in text[0]
    assert "Jl. Kapten Pattimura No. 2, Kota Jambi" in text[0]


def test_placeholder_emblem_makes_the_berita_acara_a_contoh(meeting):
    html = render_berita_acara_html(meeting)
    assert "img/lambang-kota-jambi.svg" in html and "CONTOH" in html


def test_rank_and_nip_under_signers_and_the_head(meeting):
    factories.make_document_identity(
        head_name="Dra. Rosmeli",
        head_rank="Pembina Utama Muda (IV/c)",
        head_nip="196801011990032003",
    )
    _, text = pages(render_berita_acara_pdf(meeting))
    body = " ".join(text[:-1])
    assert "Budi Santoso Penata (III/c) NIP 198001012005011001" in body
    assert "Siti Aminah" in body and "Siti Aminah NIP" not in body
    assert "Dra. Rosmeli Pembina Utama Muda (IV/c) NIP 196801011990032003" in body


def test_recap_annex_is_signed_by_the_head(meeting):
    factories.make_document_identity(head_name="Dra. Rosmeli", head_nip="196801011990032003")
    reader, text = pages(render_berita_acara_pdf(meeting))
    annex = text[-1]
    assert reader.pages[-1].mediabox.width > reader.pages[-1].mediabox.height
    assert "REKAPITULASI HASIL PENILAIAN" in " ".join(text[1:])
    assert "Mengetahui" in annex and "Dra. Rosmeli" in annex
    assert "NIP 196801011990032003" in annex


def test_berita_acara_is_pdf_a_3b_with_a_plain_file_name(meeting):
    reader, _ = pages(render_berita_acara_pdf(meeting))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    assert berita_acara_filename(meeting) == "berita-acara-2026-periode-1.pdf"
