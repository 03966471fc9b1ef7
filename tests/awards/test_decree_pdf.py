"""The decree PDF read back: what a legal office checks before the mayor signs."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from awards.issuing import create_correction, create_draft_decree, decree_lampiran, finalise_decree
from awards.pdf import render_decree_html, render_decree_pdf
from tests import factories

WINNERS = [
    ("Buluran Kenali", 5, 132, "Hj. Siti Aminah"),
    ("Buluran Kenali", 12, 75, "Ahmad Fauzi"),
    ("Buluran Kenali", 2, 40, "Rudi Hartono"),
    ("Telanaipura", 3, 101, "Syamsul Bahri"),
    ("Pasir Putih", 7, 50, "Dewi Sartika"),
    ("Kenali Asam", 10, 100, "M. Yusuf"),
]
LOSERS = [("Telanaipura", 9, 60, "Tidak Lulus Bin Uji")]
MM = 72 / 25.4


def read(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def flat(text):
    return " ".join(text.split())


@pytest.fixture
def draft(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(
        winners=WINNERS, losers=LOSERS, assessor=assessor, by=admin_dpmppa
    )
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.signatory_name = "Maulana"
    decree.number = "12 TAHUN 2026"
    decree.decided_on = datetime.date(2026, 11, 29)
    decree.save()
    return decree


def test_decree_pdf_lists_every_winner_with_subtotals_and_total(draft):
    reader, pages = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft)))
    text = flat("\n".join(pages))
    for name in ["Hj. Siti Aminah", "Ahmad Fauzi", "Rudi Hartono", "Syamsul Bahri", "M. Yusuf"]:
        assert name in text
    assert "Tidak Lulus Bin Uji" not in text
    assert "KEPUTUSAN WALI KOTA JAMBI" in text
    assert "NOMOR 12 TAHUN 2026" in text
    assert "Ditetapkan di : Jambi" in text and "pada tanggal : 29 November 2026" in text
    assert "MAULANA" in text
    # Subtotals: Telanaipura 10 + 7,5 + 5 + 10 juta; Jambi Selatan 7,5; Kota Baru 7,5.
    assert "Jumlah Kecamatan Telanaipura (4 RT) 32.500.000" in text
    assert "Jumlah Kecamatan Jambi Selatan (1 RT) 7.500.000" in text
    assert "Jumlah Kecamatan Kota Baru (1 RT) 7.500.000" in text
    assert "JUMLAH SELURUHNYA (6 RT) 47.500.000" in text
    # One money notation in legal text, dictum and lampiran alike (SK.md).
    assert "Rp47.500.000,00 (empat puluh tujuh juta lima ratus ribu rupiah)" in text
    assert "Rp 47.500.000" not in text
    # Count per category: Besar 2 (132, 101), Sedang 3 (75, 50, 100), Kecil 1 (40).
    assert "Besar 2 10.000.000 20.000.000" in text
    assert "Sedang 3 7.500.000 22.500.000" in text
    assert "Kecil 1 5.000.000 5.000.000" in text
    # Body (Menimbang, the Mengingat in full, dictums), the last dictum with the signature
    # and Tembusan, and the lampiran with its own signature.
    assert len(reader.pages) == 4
    assert "Halaman 1 dari 4" in pages[0]


def test_decree_pdf_has_the_decree_structure_in_order(draft):
    _, pages = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft)))
    text = flat("\n".join(pages))
    marks = [
        "WALI KOTA JAMBI",
        "KEPUTUSAN WALI KOTA JAMBI",
        "TENTANG",
        "Menimbang : a. bahwa",
        "Mengingat : 1. Undang-Undang Nomor 9 Tahun 1956",
        "Memperhatikan : Berita Acara",
        "MEMUTUSKAN:",
        "Menetapkan : KEPUTUSAN WALI KOTA TENTANG PENETAPAN",
        "KESATU :",
        "KEDUA :",
        "KETIGA :",
        "KEEMPAT : Keputusan Wali Kota ini mulai berlaku pada tanggal ditetapkan.",
        "Tembusan:",
        "LAMPIRAN",
        "DAFTAR RUKUN TETANGGA PEMENANG",
    ]
    positions = [text.find(mark) for mark in marks]
    assert all(p >= 0 for p in positions), dict(zip(marks, positions, strict=True))
    assert positions == sorted(positions)
    assert "Rp10.000.000,00 (sepuluh juta rupiah)" in text


def test_lampiran_starts_on_a_new_page_with_its_header_block(draft):
    _, pages = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft)))
    lampiran = flat(pages[-1])
    assert lampiran.startswith("LAMPIRAN KEPUTUSAN WALI KOTA JAMBI NOMOR : 12 TAHUN 2026")
    assert "TANGGAL : 29 NOVEMBER 2026" in lampiran
    assert "LAMPIRAN" not in flat(pages[0])


def test_decree_pdf_carries_the_qr_code_and_verification_code(draft):
    _, pages = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft)))
    text = flat("\n".join(pages))
    assert f"/verifikasi/{draft.verification_code}" in text.replace(" ", "")
    assert f"Kode verifikasi: {draft.verification_code}" in text
    assert "<svg" in render_decree_html(
        draft, lampiran=decree_lampiran(draft)
    ) and "qr-code" in render_decree_html(draft, lampiran=decree_lampiran(draft))
    # The short code also runs in every page's footer.
    assert all(draft.verification_code in page for page in pages)


def test_draft_pdf_is_marked_draf_and_final_is_not(draft):
    _, draft_pages = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft), final=False))
    _, final_pages = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft), final=True))
    assert all("DRAF" in page for page in draft_pages)
    assert not any(re.search(r"\bDRAF\b", page) for page in final_pages)


def test_paper_size_a4_by_default_and_f4_as_option(draft):
    reader, _ = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)
    draft.paper_size = "F4"
    draft.save()
    reader, _ = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft)))
    sizes = {
        (round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM))
        for p in reader.pages
    }
    assert sizes == {(215, 330)}


def test_decree_pdf_embeds_its_fonts_and_metadata(draft):
    reader, _ = read(render_decree_pdf(draft, lampiran=decree_lampiran(draft)))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font.get("/FontDescriptor")
                or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            fonts[font["/BaseFont"]] = "/FontFile2" in descriptor.get_object()
    assert fonts and all(fonts.values()), fonts
    assert any("Liberation-Serif" in name for name in fonts)
    assert reader.metadata.title.startswith("Keputusan Wali Kota Jambi Nomor 12 Tahun 2026")
    assert reader.metadata.author == "Pemerintah Kota Jambi"


def test_long_lampiran_repeats_the_header_and_never_splits_a_row(admin_dpmppa, assessor):
    winners = [
        (kelurahan, n, 20 + n, f"Ketua Nomor {kelurahan[:3]}{n:03d}")
        for kelurahan in ("Buluran Kenali", "Pasir Putih", "Kenali Asam")
        for n in range(1, 41)
    ]
    cycle = factories.make_decided_cycle(winners=winners, assessor=assessor, by=admin_dpmppa)
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    reader, pages = read(render_decree_pdf(decree, lampiran=decree_lampiran(decree)))
    lampiran_pages = [p for p in pages if "Kelurahan" in p and "Nama Ketua RT" in p]
    assert len(lampiran_pages) >= 3
    table_pages = [flat(p) for p in pages if "Ketua Nomor" in flat(p)]
    # The header is on every page that holds rows of the table.
    assert all("Nama Ketua RT" in p and "Uang" in p for p in table_pages)
    # Every row whole on exactly one page: name, number and amount stay together.
    for *_, ketua in winners:
        holding = [p for p in table_pages if ketua in p]
        assert len(holding) == 1, ketua
    assert "JUMLAH SELURUHNYA (120 RT)" in flat("\n".join(pages))


def test_revoking_decree_has_no_lampiran_and_names_what_it_revokes(draft, admin_dpmppa):
    final = finalise_decree(draft, by=admin_dpmppa)
    revoking = create_correction(target=final, kind="MENCABUT", by=admin_dpmppa)
    _, pages = read(render_decree_pdf(revoking, lampiran=decree_lampiran(revoking)))
    text = flat("\n".join(pages))
    revoked = "Mencabut dan menyatakan tidak berlaku Keputusan Wali Kota Jambi Nomor 12 Tahun"
    assert revoked in text
    assert "LAMPIRAN" not in text


def test_user_text_is_escaped_and_cannot_fetch_files(draft):
    proposal = draft.cycle.proposals.get(rt_number=5)
    proposal.ketua_name = '<img src="file:///etc/passwd">Jahil'
    proposal.save()
    html = render_decree_html(draft, lampiran=decree_lampiran(draft))
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img" in html


def test_acting_mayor_signs_as_pj_wali_kota(draft):
    draft.signatory_title = "Pj. WALI KOTA JAMBI"
    draft.save()
    html = render_decree_html(draft, lampiran=decree_lampiran(draft))
    assert "Pj. WALI KOTA JAMBI," in html
    assert "PJ. WALI KOTA" not in html
