"""Where the decree's pages break: no page holds only a signature or only a Tembusan, the
lampiran's header runs on every lampiran page, and a kecamatan's subtotal never opens a
page cut off from its rows.

The lampiran rows are made up (render_decree_pdf takes the lampiran as data) so that one
decree can be rendered with any number of winners. The default run renders a sample
that includes the counts that used to leave the signature alone (52–62 and 96–98
winners on A4); the whole sweep, 0–8 extra Mengingat items × 1–150 winners × A4/F4,
runs only with BANTAR_SLOW_LAYOUT=1 (it takes hours on one core)."""

import datetime
import io
import os
from decimal import Decimal

import pytest
from pypdf import PdfReader

from awards import pdf as awards_pdf
from awards.issuing import create_draft_decree
from awards.terbilang import rupiah_legal, terbilang
from tests import factories

KECAMATAN = ["Alam Barajo", "Danau Sipin", "Jambi Selatan", "Jambi Timur", "Kota Baru"]
PRIZE = Decimal(7_500_000)
SIGNATURE = "Ditetapkan di"
LAST_DICTUM = "mulai berlaku pada tanggal ditetapkan"

SAMPLE = [
    ("A4", 0, 1),
    ("A4", 0, 52),
    ("A4", 0, 57),
    ("A4", 0, 62),
    ("A4", 0, 96),
    ("A4", 0, 98),
    ("A4", 4, 60),
    ("A4", 8, 1),
    ("A4", 8, 150),
    ("F4", 0, 1),
    ("F4", 3, 70),
    ("F4", 8, 97),
]
if os.environ.get("BANTAR_SLOW_LAYOUT"):
    SAMPLE = [(p, e, n) for p in ("A4", "F4") for e in range(9) for n in range(1, 151)]


def made_up_lampiran(count):
    """`count` winners spread over the kecamatan, shaped like awards.issuing.lampiran_data."""
    groups, number = [], 0
    per_group = count // len(KECAMATAN) + 1
    for kecamatan in KECAMATAN:
        rows = []
        while number < count and len(rows) < per_group:
            number += 1
            rows.append(
                {
                    "no": number,
                    "kecamatan": kecamatan,
                    "kelurahan": f"Kelurahan {kecamatan}",
                    "rt": f"{number % 40 + 1:02d}",
                    "ketua": f"Ketua Nomor {number:03d}",
                    "kk": 60,
                    "kategori": "Sedang",
                    "nilai": "42,00",
                    "amount": PRIZE,
                    "ket": "",
                }
            )
        if rows:
            groups.append(
                {
                    "kecamatan": kecamatan,
                    "rows": rows,
                    "subtotal": PRIZE * len(rows),
                    "count": len(rows),
                }
            )
    total = PRIZE * count
    return {
        "groups": groups,
        "categories": [
            {"code": "SEDANG", "label": "Sedang", "prize": PRIZE, "count": count, "amount": total}
        ],
        "count": count,
        "total": total,
        "total_words": terbilang(total),
        "total_legal": rupiah_legal(total),
    }


@pytest.fixture
def decree(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(
        winners=[("Buluran Kenali", 5, 132, "Ketua Nomor 001")], assessor=assessor, by=admin_dpmppa
    )
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.signatory_name = "Maulana"
    decree.number = "12 TAHUN 2026"
    decree.decided_on = datetime.date(2026, 11, 29)
    return decree


def render_pages(decree, *, paper, extra_mengingat, winners):
    decree.paper_size = paper
    decree.mengingat = decree.mengingat + "".join(
        f"\nPeraturan Wali Kota Jambi Nomor {i + 1} Tahun 2020 tentang Ketentuan Tambahan "
        "yang Cukup Panjang sehingga Memerlukan Dua Baris pada Kolom Ini;"
        for i in range(extra_mengingat)
    )
    reader = PdfReader(
        io.BytesIO(awards_pdf.render_decree_pdf(decree, lampiran=made_up_lampiran(winners)))
    )
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def layout_problems(pages):
    """What a legal drafter would object to, page by page."""
    problems = []
    first_lampiran = next(i for i, p in enumerate(pages) if "DAFTAR RUKUN TETANGGA" in p)
    for i, page in enumerate(pages, start=1):
        in_lampiran = i > first_lampiran
        if SIGNATURE in page and not in_lampiran and LAST_DICTUM not in page:
            problems.append(f"halaman {i}: tanda tangan tanpa diktum terakhir")
        if SIGNATURE in page and in_lampiran:
            if "JUMLAH SELURUHNYA" not in page or "Ketua Nomor" not in page:
                problems.append(f"halaman {i}: tanda tangan lampiran tanpa baris terakhir")
        if "Tembusan:" in page and SIGNATURE not in page:
            problems.append(f"halaman {i}: Tembusan sendirian")
        if in_lampiran:
            head = "LAMPIRAN KEPUTUSAN WALI KOTA JAMBI NOMOR : 12 TAHUN 2026"
            if head not in page or "TANGGAL : 29 NOVEMBER 2026" not in page:
                problems.append(f"halaman {i}: kepala lampiran tidak ada")
            after_header = page.split("1 2 3 4 5 6 7 8 9 10", 1)[-1].lstrip()
            if "Ketua Nomor" in page and after_header.startswith(("Jumlah Kecamatan", "JUMLAH")):
                problems.append(f"halaman {i}: subtotal terpisah dari barisnya")
    return problems


@pytest.mark.parametrize(("paper", "extra_mengingat", "winners"), SAMPLE)
def test_no_page_holds_only_a_signature_or_a_tembusan(decree, paper, extra_mengingat, winners):
    pages = render_pages(decree, paper=paper, extra_mengingat=extra_mengingat, winners=winners)
    assert layout_problems(pages) == []
    assert sum(SIGNATURE in page for page in pages) == 2


def test_the_checker_sees_a_signature_alone(decree):
    """The page test itself can fail: a page with only the closing block is caught."""
    pages = render_pages(decree, paper="A4", extra_mengingat=0, winners=1)
    alone = "Ditetapkan di : Jambi pada tanggal : 29 November 2026 WALI KOTA JAMBI, MAULANA"
    broken = [pages[0], pages[1].split("KEEMPAT")[0], alone, *pages[2:]]
    assert "tanda tangan tanpa diktum terakhir" in " ".join(layout_problems(broken))


def test_lampiran_header_runs_on_every_lampiran_page(decree):
    pages = render_pages(decree, paper="A4", extra_mengingat=0, winners=120)
    lampiran = [p for p in pages if "Ketua Nomor" in p]
    assert len(lampiran) >= 3
    for page in lampiran:
        assert "LAMPIRAN KEPUTUSAN WALI KOTA JAMBI NOMOR : 12 TAHUN 2026" in page
        assert "TANGGAL : 29 NOVEMBER 2026" in page
    # TENTANG only in the first page's full block, not repeated in the running header.
    assert sum("TENTANG : PENETAPAN" in p for p in lampiran) == 1
