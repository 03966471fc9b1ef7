"""The 21 indicators of Perwal Kota Jambi No. 47 Tahun 2014: regulation text, kept as data."""

from django.db import migrations

SET_NAME = "Indikator Kampung BANTAR (Perwal 47/2014)"
LEGAL_BASIS = "Peraturan Wali Kota Jambi Nomor 47 Tahun 2014 jo. Nomor 11 Tahun 2019"

INDICATORS = [
    ("B1", "BERSIH", "Memiliki sarana dan prasarana permukiman dan perumahan sehat dan tertata rapi."),
    ("B2", "BERSIH", "Memiliki sarana dan prasarana lingkungan yang memadai."),
    ("B3", "BERSIH", "Memiliki tingkat partisipasi dan kesadaran masyarakat dalam menjaga kebersihan lingkungan."),
    ("B4", "BERSIH", "Memiliki ruang terbuka hijau, bebas dari polusi."),
    ("B5", "BERSIH", "Memiliki tingkat kesadaran dalam pemanfaatan lahan tidur untuk kebutuhan rumah tangga dan masyarakat."),
    ("B6", "BERSIH", "Memiliki sanitasi lingkungan yang sehat dan baik."),
    ("B7", "BERSIH", "Memiliki jiwa dan semangat gotong royong serta nilai-nilai kesetiakawanan sosial dalam kehidupan bermasyarakat, berbangsa dan bernegara."),
    ("A1", "AMAN", "Lingkungan yang bebas dari NAPZA dan MIRAS."),
    ("A2", "AMAN", "Lingkungan yang bebas dari tindakan kriminalitas."),
    ("A3", "AMAN", "Lingkungan yang bebas dari tindakan prostitusi dan asusila."),
    ("A4", "AMAN", "Lingkungan yang bebas dari tindakan kasus KDRT, perceraian rumah tangga, diskriminasi dan eksploitasi anak."),
    ("A5", "AMAN", "Lingkungan masyarakat yang senantiasa menjaga semangat musyawarah dan mufakat dalam menyelesaikan kegiatan masyarakat di bidang pemerintahan, pembangunan, kemasyarakatan, keamanan dan ketertiban."),
    ("A6", "AMAN", "Memiliki tingkat kesadaran politik dan hukum yang tinggi."),
    ("A7", "AMAN", "Lingkungan yang senantiasa menjaga dan menjunjung tinggi nilai-nilai adat istiadat, budaya bangsa dan norma-norma hukum di tengah-tengah masyarakat."),
    ("P1", "PINTAR", "Memiliki lembaga pemberdayaan ekonomi masyarakat."),
    ("P2", "PINTAR", "Memiliki lembaga dan kelompok pendidikan dalam peningkatan sumber daya manusia."),
    ("P3", "PINTAR", "Memiliki kelompok organisasi sosial, kemasyarakatan, kepemudaan dan keagamaan."),
    ("P4", "PINTAR", "Lingkungan bebas buta aksara dan angka putus sekolah."),
    ("P5", "PINTAR", "Lingkungan yang bebas dari tingkat pengangguran."),
    ("P6", "PINTAR", "Lingkungan yang bebas dari tingkat kematian ibu hamil dan balita."),
    ("P7", "PINTAR", "Lingkungan yang mampu menggali dan mengelola potensi sumber daya manusia dalam meningkatkan kesejahteraan sosial dan ekonomi masyarakat."),
]


def load(apps, schema_editor):
    IndicatorSet = apps.get_model("assessments", "IndicatorSet")
    Indicator = apps.get_model("assessments", "Indicator")
    indicator_set, _ = IndicatorSet.objects.get_or_create(
        name=SET_NAME, defaults={"legal_basis": LEGAL_BASIS}
    )
    for order, (code, pillar, text) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            indicator_set=indicator_set,
            code=code,
            defaults={"pillar": pillar, "order": order, "text": text},
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
