"""The decree's wording, as the legal office (Bagian Hukum) would start a draft: the
title, menimbang, mengingat (the legal basis), the dictums, the tembusan, the labels
KESATU … and the wording of a correcting decree. Only text: no queries and no writes;
every item stays editable on the draft (awards/issuing.py::decree_defaults puts it there).
"""

from awards.terbilang import rupiah_legal
from rt_registry.models import SizeCategory
from rt_registry.templatetags.bantar import format_tanggal

# Order of the categories in the decree's text and the lampiran's count.
CATEGORY_ORDER = [SizeCategory.BESAR, SizeCategory.SEDANG, SizeCategory.KECIL]

DICTUM_LABELS = [
    "KESATU",
    "KEDUA",
    "KETIGA",
    "KEEMPAT",
    "KELIMA",
    "KEENAM",
    "KETUJUH",
    "KEDELAPAN",
    "KESEMBILAN",
    "KESEPULUH",
]


def cycle_title(cycle):
    return (
        "Penetapan Rukun Tetangga Pemenang Kampung Bersih, Aman dan Pintar (BANTAR) "
        f"Kota Jambi Tahun {cycle.year} Periode {cycle.period_roman}"
    )


# The legal basis in the formulation the legal office uses (title, then the State Gazette
# or regional gazette numbers, then "sebagaimana telah diubah ..."). Only numbers we are
# sure of are written; the rest is a visible placeholder for the Bagian Hukum to fill in,
# never a guess. Every item stays editable on the draft.
BAGIAN_HUKUM = "diisi Bagian Hukum"

DEFAULT_MENGINGAT = [
    "Undang-Undang Nomor 9 Tahun 1956 tentang Pembentukan Daerah Otonom Kota Besar "
    "dalam Lingkungan Daerah Propinsi Sumatera Tengah (Lembaran Negara Republik Indonesia "
    f"Tahun 1956 Nomor …, nomor Lembaran Negara {BAGIAN_HUKUM});",
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah (Lembaran Negara "
    "Republik Indonesia Tahun 2014 Nomor 244, Tambahan Lembaran Negara Republik Indonesia "
    "Nomor 5587) sebagaimana telah beberapa kali diubah, terakhir dengan Undang-Undang "
    "Nomor 6 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang "
    "Nomor 2 Tahun 2022 tentang Cipta Kerja menjadi Undang-Undang (Lembaran Negara "
    "Republik Indonesia Tahun 2023 Nomor 41, Tambahan Lembaran Negara Republik Indonesia "
    "Nomor 6856);",
    "Peraturan Daerah Kota Jambi Nomor 11 Tahun 2019 tentang Penyelenggaraan Smart City "
    f"(Lembaran Daerah Kota Jambi Tahun 2019 Nomor …, nomor Lembaran Daerah {BAGIAN_HUKUM});",
    "Peraturan Wali Kota Jambi Nomor 47 Tahun 2014 tentang Petunjuk Teknis Penataan "
    "Kampung Bersih, Aman dan Pintar (BANTAR) (Berita Daerah Kota Jambi Tahun 2014 "
    f"Nomor …, nomor Berita Daerah {BAGIAN_HUKUM}) sebagaimana telah diubah dengan "
    "Peraturan Wali Kota Jambi Nomor 11 Tahun 2019 tentang Perubahan atas Peraturan Wali "
    "Kota Jambi Nomor 47 Tahun 2014 tentang Petunjuk Teknis Penataan Kampung Bersih, Aman "
    f"dan Pintar (BANTAR) (Berita Daerah Kota Jambi Tahun 2019 Nomor …, nomor Berita "
    f"Daerah {BAGIAN_HUKUM});",
]

DEFAULT_TEMBUSAN = [
    "Gubernur Jambi di Jambi;",
    "Ketua DPRD Kota Jambi di Jambi;",
    "Inspektur Kota Jambi di Jambi;",
    "Kepala Badan Pengelola Keuangan dan Aset Daerah Kota Jambi di Jambi;",
    "Kepala Dinas Pemberdayaan Masyarakat, Perempuan dan Perlindungan Anak Kota Jambi di Jambi;",
    "Camat se-Kota Jambi;",
    "Lurah se-Kota Jambi.",
]


def default_menimbang(cycle):
    return [
        "bahwa dalam rangka mewujudkan lingkungan permukiman yang bersih, aman dan pintar "
        "serta mendorong peran serta masyarakat di tingkat Rukun Tetangga, Pemerintah Kota "
        "Jambi menyelenggarakan penilaian Kampung Bersih, Aman dan Pintar (BANTAR) "
        "sebagaimana diatur dalam Peraturan Wali Kota Jambi Nomor 47 Tahun 2014 jo. "
        "Peraturan Wali Kota Jambi Nomor 11 Tahun 2019;",
        "bahwa berdasarkan hasil penilaian Tim Penilai Kampung BANTAR Kota Jambi Tahun "
        f"{cycle.year} Periode {cycle.period_roman}, Rukun Tetangga sebagaimana tercantum "
        "dalam Lampiran Keputusan ini telah memenuhi kriteria sebagai Kampung BANTAR dan "
        "layak diberikan penghargaan;",
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, "
        f"perlu menetapkan Keputusan Wali Kota tentang {cycle_title(cycle)};",
    ]


def default_memperhatikan(cycle):
    meeting = getattr(cycle, "meeting", None)
    if meeting is None:
        return ""
    number = f" Nomor {meeting.number}" if meeting.number else ""
    return (
        f"Berita Acara Hasil Penilaian Kampung BANTAR Kota Jambi Tahun {cycle.year} "
        f"Periode {cycle.period_roman}{number} tanggal {format_tanggal(meeting.held_on)}."
    )


def default_budget_source(budget_year):
    return (
        "Dokumen Pelaksanaan Anggaran (DPA) Dinas Pemberdayaan Masyarakat, Perempuan dan "
        f"Perlindungan Anak Kota Jambi Tahun Anggaran {budget_year}"
    )


def default_dictums(cycle, *, budget_year, budget_source):
    prizes = ", ".join(
        f"kategori {SizeCategory(c).label} sebesar {rupiah_legal(cycle.prize_for(c))}"
        for c in CATEGORY_ORDER
    )
    return [
        f"Menetapkan Rukun Tetangga Pemenang Kampung Bersih, Aman dan Pintar (BANTAR) Kota "
        f"Jambi Tahun {cycle.year} Periode {cycle.period_roman} sebagaimana tercantum dalam "
        "Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan ini.",
        "Kepada Rukun Tetangga sebagaimana dimaksud dalam Diktum KESATU diberikan "
        "penghargaan berupa piagam, piala dan uang pembinaan untuk setiap Rukun Tetangga "
        f"menurut kategorinya: {prizes}.",
        "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada "
        "Anggaran Pendapatan dan Belanja Daerah (APBD) Kota Jambi Tahun Anggaran "
        f"{budget_year} melalui {budget_source}.",
        "Keputusan Wali Kota ini mulai berlaku pada tanggal ditetapkan.",
    ]


def correction_text(cited, *, revoking):
    """Title, menimbang and dictums of a decree that revokes (`revoking`) or amends the
    decree `cited` ("Keputusan Wali Kota Jambi Nomor … tentang …")."""
    if revoking:
        return {
            "tentang": f"Pencabutan {cited}",
            "menimbang": "\n".join(
                [
                    f"bahwa {cited} perlu dicabut karena …;",
                    "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu "
                    f"menetapkan Keputusan Wali Kota tentang Pencabutan {cited};",
                ]
            ),
            "dictums": "\n".join(
                [
                    f"Mencabut dan menyatakan tidak berlaku {cited}.",
                    "Keputusan Wali Kota ini mulai berlaku pada tanggal ditetapkan.",
                ]
            ),
        }
    return {
        "tentang": f"Perubahan atas {cited}",
        "menimbang": "\n".join(
            [
                f"bahwa dalam {cited} terdapat kekeliruan sehingga perlu diubah;",
                "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu "
                f"menetapkan Keputusan Wali Kota tentang Perubahan atas {cited};",
            ]
        ),
        "dictums": "\n".join(
            [
                f"Mengubah Lampiran {cited}, sehingga menjadi sebagaimana tercantum dalam "
                "Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan ini.",
                f"Ketentuan lain dalam {cited} dinyatakan tetap berlaku.",
                "Keputusan Wali Kota ini mulai berlaku pada tanggal ditetapkan.",
            ]
        ),
    }
