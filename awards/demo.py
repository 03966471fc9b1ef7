"""Demo awards for `manage.py seed_demo`: the past cycle's awards (some prizes paid), its
decree and certificates, so the verification page and the PDFs can be seen right after
`make run`. Every step checks for its rows first; a second run writes nothing."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from assessments.demo import local_dt
from assessments.models import Decision
from awards.models import Award, Decree

SEED = 20250817
DECREE_NUMBER = "412 TAHUN 2025"
DECREE_DATE = datetime.date(2025, 8, 11)
SIGNATORY = "DR. MAULANA"
PAID_SHARE = 0.6
PAID_ON = [datetime.date(2025, 9, 2), datetime.date(2025, 9, 9), datetime.date(2025, 9, 16)]


def seed(*, cycle, stdout=None):
    admin = get_user_model().objects.get(username="dpmppa")
    with transaction.atomic():
        ensure_awards(cycle=cycle, admin=admin, stdout=stdout)
        ensure_payments(cycle=cycle, admin=admin)
    with transaction.atomic():
        decree = ensure_decree(cycle=cycle, admin=admin, stdout=stdout)
    return decree


def ensure_awards(*, cycle, admin, stdout):
    if Award.objects.filter(cycle=cycle).exists():
        return
    winners = (
        Decision.objects.filter(proposal__cycle=cycle, outcome=Decision.Outcome.LULUS)
        .select_related("proposal")
        .order_by("proposal__kecamatan_name", "proposal__kelurahan_name", "proposal__rt_number")
    )
    awards = []
    for decision in winners:
        proposal = decision.proposal
        award = Award(
            proposal=proposal,
            cycle=cycle,
            rt_id=proposal.rt_id,
            size_category=proposal.size_category,
            prize_amount=cycle.prize_for(proposal.size_category),
        )
        award._history_user = admin
        award._history_date = local_dt(DECREE_DATE, 9)
        awards.append(award)
    bulk_create_with_history(awards, Award, batch_size=500)
    write(stdout, f"{cycle}: {len(awards)} penghargaan.")


def ensure_payments(*, cycle, admin):
    """About 60% of prizes paid, in three transfers (SP2D) a week apart."""
    if Award.objects.filter(cycle=cycle, payment_status=Award.PaymentStatus.DIBAYAR).exists():
        return
    rng = random.Random(SEED)
    for i, award in enumerate(Award.objects.filter(cycle=cycle).order_by("pk")):
        if rng.random() >= PAID_SHARE:
            continue
        paid_on = PAID_ON[i % len(PAID_ON)]
        award.payment_status = Award.PaymentStatus.DIBAYAR
        award.paid_on = paid_on
        award.payment_reference = f"SP2D {900 + i % len(PAID_ON):05d}/LS/BJ/{paid_on.year}"
        award.payment_recorded_by = admin
        award.payment_recorded_at = local_dt(paid_on, 14)
        award._history_user = admin
        award._history_date = local_dt(paid_on, 14)
        award.save()


def ensure_decree(*, cycle, admin, stdout):
    decree = Decree.objects.filter(cycle=cycle).order_by("pk").first()
    if decree is None:
        decree = Decree(
            cycle=cycle,
            tentang=(
                "PENETAPAN RUKUN TETANGGA PEMENANG KAMPUNG BERSIH, AMAN DAN PINTAR (BANTAR) "
                f"KOTA JAMBI TAHUN {cycle.year} PERIODE {cycle.period_roman}"
            ),
            signatory_name=SIGNATORY,
            menimbang="\n".join(MENIMBANG),
            mengingat="\n".join(MENGINGAT),
            memperhatikan=(
                f"Berita Acara Rapat Tim Penilai Kampung BANTAR Kota Jambi Nomor "
                f"{cycle.meeting.number} tanggal {cycle.meeting.held_on:%d-%m-%Y}"
            ),
            dictums="\n".join(DICTUMS).format(year=cycle.year),
            tembusan="\n".join(TEMBUSAN),
            budget_year=cycle.year,
        )
        decree._history_user = admin
        decree._history_date = local_dt(DECREE_DATE, 8)
        decree.save()
        write(stdout, f"{cycle}: SK draf dibuat.")
    return decree


def write(stdout, message):
    if stdout is not None:
        stdout.write(message)


MENIMBANG = [
    "bahwa dalam rangka mewujudkan lingkungan Rukun Tetangga yang bersih, aman dan pintar "
    "sebagai bagian dari penyelenggaraan Smart City di Kota Jambi, perlu diberikan "
    "penghargaan kepada Rukun Tetangga yang memenuhi kriteria Kampung BANTAR;",
    "bahwa berdasarkan hasil penilaian Tim Penilai Kampung BANTAR Kota Jambi, Rukun "
    "Tetangga sebagaimana tercantum dalam Lampiran Keputusan ini telah memenuhi kriteria;",
    "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu "
    "menetapkan Keputusan Wali Kota tentang Penetapan Rukun Tetangga Pemenang Kampung "
    "Bersih, Aman dan Pintar (BANTAR) Kota Jambi;",
]
MENGINGAT = [
    "Undang-Undang Nomor 9 Tahun 1956 tentang Pembentukan Daerah Otonom Kota Besar dalam "
    "Lingkungan Daerah Propinsi Sumatera Tengah;",
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah "
    "beberapa kali diubah, terakhir dengan Undang-Undang Nomor 6 Tahun 2023;",
    "Peraturan Daerah Kota Jambi Nomor 11 Tahun 2019 tentang Penyelenggaraan Smart City;",
    "Peraturan Wali Kota Jambi Nomor 47 Tahun 2014 tentang Petunjuk Teknis Penataan Kampung "
    "BANTAR sebagaimana telah diubah dengan Peraturan Wali Kota Jambi Nomor 11 Tahun 2019;",
]
DICTUMS = [
    "KESATU: Menetapkan Rukun Tetangga Pemenang Kampung Bersih, Aman dan Pintar (BANTAR) "
    "Kota Jambi sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan "
    "dari Keputusan ini.",
    "KEDUA: Kepada Rukun Tetangga sebagaimana dimaksud pada Diktum KESATU diberikan piagam "
    "penghargaan, piala dan uang pembinaan sesuai kategori.",
    "KETIGA: Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada "
    "Anggaran Pendapatan dan Belanja Daerah Kota Jambi Tahun Anggaran {year}.",
    "KEEMPAT: Keputusan Wali Kota ini mulai berlaku pada tanggal ditetapkan.",
]
TEMBUSAN = [
    "Gubernur Jambi di Jambi;",
    "Ketua DPRD Kota Jambi di Jambi;",
    "Inspektur Kota Jambi di Jambi;",
    "Camat se-Kota Jambi;",
    "Lurah se-Kota Jambi.",
]
