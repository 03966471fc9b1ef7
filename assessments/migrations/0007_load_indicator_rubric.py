"""The default rubric of the 21 indicators of Perwal 47/2014: what an assessor sees on a
visit for a score of 2 (baik), 1 (sedang) and 0 (kurang), in words an RT chair knows.

This is the one-time introduction of the rubric, and migrations are the controlled path
for it: the default set is frozen wherever a cycle on it is past Usulan (the demo's 2025
cycle is decided), and the model's guard (IndicatorSet.ensure_editable) would refuse the
write. The historical model used here has neither that guard nor the guarded QuerySet, so
the texts are written all the same. Only the default set gets them: a copy an officer made
earlier is theirs to fill in the admin (while it is unused).

Because the rubric is now part of what an indicator says, the decree's basis fingerprint
gets a new version (v3 = v2 + the rubric, awards/issuing.py). Decrees already final keep
their version: v1 never covered the indicators and v2 covers code, pillar, order and text
only, so writing the rubric here changes neither and every existing decree keeps
verifying. Only decrees finalised after this migration are v3, and they see the rubric as
written here."""

from django.db import migrations

SET_NAME = "Indikator Kampung BANTAR (Perwal 47/2014)"

# code: (2 baik, 1 sedang, 0 kurang)
RUBRIC = {
    "B1": (
        "Hampir semua rumah bersih, cukup cahaya dan udara, dan tertata rapi; halaman "
        "terawat dan tidak ada bangunan kumuh.",
        "Sebagian besar rumah tertata, tetapi masih ada beberapa rumah atau halaman yang "
        "kumuh atau tidak terawat.",
        "Banyak rumah kumuh, sempit atau tidak terawat; permukiman terlihat semrawut.",
    ),
    "B2": (
        "Jalan lingkungan, saluran air (drainase), lampu jalan dan tempat sampah ada dan "
        "berfungsi baik.",
        "Sarana lingkungan ada, tetapi sebagian rusak atau tidak berfungsi, misalnya "
        "drainase tersumbat atau lampu jalan mati.",
        "Sarana lingkungan sangat kurang atau rusak berat: jalan berlubang, tidak ada "
        "drainase atau lampu jalan.",
    ),
    "B3": (
        "Warga rutin membersihkan lingkungan (ada jadwal kerja bakti atau piket); jalan dan "
        "selokan bersih, sampah dibuang di tempatnya.",
        "Kebersihan dijaga sebagian warga saja atau tidak rutin; masih terlihat sampah di "
        "beberapa tempat.",
        "Sampah berserakan atau dibuang ke selokan dan sungai; tidak ada kegiatan "
        "kebersihan bersama.",
    ),
    "B4": (
        "Ada taman, pohon peneduh atau tanaman di banyak pekarangan; tidak ada pembakaran "
        "sampah, asap atau bau yang mengganggu.",
        "Tanaman hijau ada tetapi sedikit, atau kadang ada pembakaran sampah, asap atau bau.",
        "Hampir tidak ada tanaman atau ruang hijau; sering ada pembakaran sampah, asap, debu "
        "atau bau menyengat.",
    ),
    "B5": (
        "Lahan kosong dan pekarangan ditanami sayur, apotek hidup atau dipakai untuk kolam "
        "ikan dan ternak, dan hasilnya dipakai warga.",
        "Baru sebagian lahan kosong atau pekarangan yang dimanfaatkan, atau tanamannya "
        "tidak terawat.",
        "Lahan kosong dibiarkan terbengkalai, bersemak atau menjadi tempat buang sampah.",
    ),
    "B6": (
        "Semua rumah punya jamban sehat dan air bersih; saluran limbah lancar, tidak ada "
        "genangan atau sarang nyamuk.",
        "Sebagian besar rumah punya jamban sehat, tetapi masih ada genangan, limbah "
        "terbuka atau beberapa rumah tanpa jamban.",
        "Banyak rumah tanpa jamban sehat atau air bersih; limbah rumah tangga mengalir "
        "terbuka dan menggenang.",
    ),
    "B7": (
        "Gotong royong dan saling membantu (misalnya saat warga sakit atau kena musibah) "
        "rutin dan diikuti banyak warga.",
        "Gotong royong ada tetapi jarang, atau hanya diikuti sedikit warga.",
        "Hampir tidak ada gotong royong atau saling membantu antarwarga.",
    ),
    "A1": (
        "Tidak ada kasus narkoba atau minuman keras setahun terakhir; ada penyuluhan atau "
        "pengawasan bersama warga.",
        "Pernah ada kasus atau tempat minum-minum, tetapi sudah ditangani dan diawasi RT "
        "dan warga.",
        "Masih ada peredaran atau pemakaian narkoba atau minuman keras yang dibiarkan.",
    ),
    "A2": (
        "Tidak ada pencurian atau kejahatan lain setahun terakhir; ronda atau siskamling "
        "berjalan rutin.",
        "Ada satu-dua kejahatan ringan, atau ronda dan siskamling tidak rutin.",
        "Kejahatan sering terjadi dan tidak ada ronda, siskamling atau pos keamanan yang aktif.",
    ),
    "A3": (
        "Tidak ada praktik prostitusi atau perbuatan asusila; tamu menginap wajib lapor ke "
        "RT dan aturan itu dijalankan.",
        "Pernah ada kejadian tetapi sudah ditangani; pengawasan tamu dan rumah kos belum rutin.",
        "Ada tempat atau praktik prostitusi atau asusila yang dibiarkan.",
    ),
    "A4": (
        "Tidak ada kasus KDRT, diskriminasi, anak dipekerjakan atau ditelantarkan; RT tahu "
        "ke mana melapor dan membantu keluarga yang bermasalah.",
        "Ada kasus, tetapi sudah ditangani atau dilaporkan ke pihak yang berwenang.",
        "Ada kasus KDRT atau anak dipekerjakan atau ditelantarkan yang dibiarkan.",
    ),
    "A5": (
        "Musyawarah warga rutin untuk memutuskan kegiatan dan masalah bersama, dengan "
        "catatan atau daftar hadir.",
        "Musyawarah hanya sesekali, atau hanya diikuti pengurus.",
        "Tidak ada musyawarah; pengurus memutuskan sendiri atau perselisihan dibiarkan.",
    ),
    "A6": (
        "Warga tertib administrasi (KTP, KK, lapor pendatang), ikut pemilu dan menaati "
        "aturan; ada penyuluhan hukum.",
        "Sebagian warga belum tertib administrasi, atau aturan bersama kadang dilanggar.",
        "Banyak warga tanpa KTP atau KK atau tidak lapor; aturan sering dilanggar tanpa teguran.",
    ),
    "A7": (
        "Kegiatan adat, budaya atau keagamaan berjalan rutin; warga saling menghormati dan "
        "menjaga sopan santun.",
        "Kegiatan adat atau budaya jarang; sesekali ada pelanggaran norma yang ditegur.",
        "Tidak ada kegiatan adat atau budaya; pelanggaran norma sering terjadi dan dibiarkan.",
    ),
    "P1": (
        "Ada kelompok ekonomi warga yang aktif (koperasi, UMKM, bank sampah) dengan "
        "pengurus dan kegiatan yang jelas.",
        "Kelompok ekonomi ada, tetapi kurang aktif atau belum punya kegiatan rutin.",
        "Tidak ada kelompok atau kegiatan ekonomi warga.",
    ),
    "P2": (
        "Ada PAUD, taman baca, bimbingan belajar atau kursus keterampilan yang aktif dan "
        "dipakai warga.",
        "Ada kegiatan pendidikan, tetapi jarang atau sedikit pesertanya.",
        "Tidak ada lembaga atau kegiatan pendidikan untuk warga.",
    ),
    "P3": (
        "Karang taruna, PKK, kelompok keagamaan dan organisasi warga lain aktif dengan "
        "kegiatan rutin.",
        "Organisasi warga ada, tetapi hanya sebagian yang aktif.",
        "Organisasi warga tidak ada atau tidak berjalan.",
    ),
    "P4": (
        "Semua anak usia sekolah bersekolah dan tidak ada warga dewasa yang buta huruf; RT "
        "punya datanya.",
        "Ada beberapa anak putus sekolah atau warga buta huruf, dan sudah ada upaya "
        "membantu mereka.",
        "Banyak anak putus sekolah atau warga buta huruf, tanpa upaya membantu mereka.",
    ),
    "P5": (
        "Hampir semua warga usia kerja bekerja atau berusaha; ada bantuan bagi yang "
        "menganggur (info lowongan, pelatihan).",
        "Ada sejumlah warga menganggur, dan bantuan bagi mereka masih sedikit.",
        "Banyak warga menganggur dan tidak ada upaya membantu mereka.",
    ),
    "P6": (
        "Tidak ada kematian ibu hamil atau balita setahun terakhir; posyandu aktif dan ibu "
        "hamil serta balita rutin diperiksa.",
        "Posyandu ada tetapi kurang aktif, atau belum semua ibu hamil dan balita diperiksa.",
        "Ada kematian ibu hamil atau balita yang bisa dicegah, atau tidak ada posyandu.",
    ),
    "P7": (
        "Keahlian warga dikembangkan (pelatihan, usaha bersama) dan hasilnya terlihat "
        "menambah penghasilan warga.",
        "Ada kegiatan mengembangkan keterampilan warga, tetapi belum berlanjut atau belum "
        "terlihat hasilnya.",
        "Tidak ada upaya mengembangkan keterampilan atau potensi warga.",
    ),
}


def load(apps, schema_editor):
    Indicator = apps.get_model("assessments", "Indicator")
    rows = Indicator.objects.filter(indicator_set__name=SET_NAME)
    for code, (baik, sedang, kurang) in RUBRIC.items():
        rows.filter(code=code).update(rubric_2=baik, rubric_1=sedang, rubric_0=kurang)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_indicator_rubric_fields")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
