"""Demo data: the real kecamatan/kelurahan (from the migration), ~1,650 RTs with
plausible KK counts from a fixed seed, the demo users (one per role, penilai1..10), then
two award cycles: 2025 Periode I through its meeting, final decree, certificates and
payments (assessments/demo.py, awards/demo.py) and 2026 Periode I in the Penilaian stage.
Run it again and it changes nothing: every step looks for its rows first."""

import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from assessments import demo as assessments_demo
from awards import demo as awards_demo
from rt_registry import roles
from rt_registry.models import RT, Kecamatan, Kelurahan, OfficerProfile

DEMO_PASSWORD = "Bantar#2026"
SEED = 20260101
TARGET_RTS = 1650
# Known from BANTAR.md: Telanaipura has 14 RTs, Buluran Kenali 19.
KNOWN_RT_COUNTS = {"Telanaipura": 14, "Buluran Kenali": 19}

KETUA_NAMES = [
    "Ahmad",
    "Budi",
    "Syafri",
    "Hendra",
    "Rahmat",
    "Joko",
    "Yusuf",
    "Zulkifli",
    "Irwan",
    "Siti",
    "Nurhayati",
    "Rosmala",
    "Fitri",
    "Dewi",
    "Agus",
    "Darmawan",
    "Saiful",
    "Hasan",
    "Maimunah",
    "Rusdi",
    "Taufik",
    "Mulyadi",
    "Erna",
    "Asnawi",
    "Kartini",
]
KETUA_SURNAMES = [
    "",
    " Saputra",
    " Hidayat",
    " Siregar",
    " Nasution",
    " Lubis",
    " Harahap",
    " Pratama",
    " Wijaya",
    " Hasibuan",
    " Sembiring",
    " Rambe",
]


def demo_users():
    """(username, full name, role, scope kind, scope name, agency)."""
    users = [
        ("dpmppa", "Admin DPMPPA", roles.ADMIN_DPMPPA, None, None, "DPMPPA"),
        (
            "kec.telanaipura",
            "Petugas Kecamatan Telanaipura",
            roles.PETUGAS_KECAMATAN,
            "kecamatan",
            "Telanaipura",
            "KECAMATAN",
        ),
        (
            "kel.buluran-kenali",
            "Petugas Kelurahan Buluran Kenali",
            roles.PETUGAS_KELURAHAN,
            "kelurahan",
            "Buluran Kenali",
            "KELURAHAN",
        ),
        (
            "kel.telanaipura",
            "Petugas Kelurahan Telanaipura",
            roles.PETUGAS_KELURAHAN,
            "kelurahan",
            "Telanaipura",
            "KELURAHAN",
        ),
    ]
    # penilai1..5 form Tim Penilai 1 (the README's logins); penilai6..10 form Tim 2.
    agencies = [
        "DPMPPA",
        "DLH",
        "PUSKESMAS",
        "POLRI",
        "TNI",
        "FORUM_RT",
        "DLH",
        "PUSKESMAS",
        "KELURAHAN",
        "KECAMATAN",
    ]
    for i, agency in enumerate(agencies, start=1):
        users.append((f"penilai{i}", f"Penilai {i}", roles.TIM_PENILAI, None, None, agency))
    return users


class Command(BaseCommand):
    help = (
        "Muat data demo: RT, pengguna demo, periode 2025 (sampai SK final dan piagam) dan "
        "periode 2026 (tahap penilaian). Aman dijalankan berulang kali."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Jalankan walaupun DEBUG mati (bukan untuk produksi).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo hanya untuk lingkungan demo/pengembangan (DEBUG=1). "
                "Gunakan --force bila Anda yakin."
            )
        with transaction.atomic():
            created_rts = self.seed_rts()
            self.seed_users()
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo siap: {RT.objects.count()} RT ({created_rts} baru), "
                f"{Kelurahan.objects.count()} kelurahan, {Kecamatan.objects.count()} kecamatan."
            )
        )
        for step in self.extra_steps():
            step(self)

    def extra_steps(self):
        return [seed_cycles_and_awards]

    def seed_rts(self):
        rng = random.Random(SEED)
        kelurahan = list(Kelurahan.objects.order_by("code"))
        if not kelurahan:
            raise CommandError(
                "Data kecamatan dan kelurahan belum ada. Jalankan `python manage.py migrate` dulu."
            )
        fixed = sum(KNOWN_RT_COUNTS.get(k.name, 0) for k in kelurahan)
        others = [k for k in kelurahan if k.name not in KNOWN_RT_COUNTS]
        per_other = (TARGET_RTS - fixed) // len(others)
        remainder = (TARGET_RTS - fixed) - per_other * len(others)
        existing = set(RT.objects.values_list("kelurahan_id", "number"))
        new_rts = []
        for i, kel in enumerate(kelurahan):
            count = KNOWN_RT_COUNTS.get(kel.name)
            if count is None:
                count = per_other + (1 if i < remainder else 0)
            for number in range(1, count + 1):
                # Draw every value even for existing rows so the sequence never shifts.
                kk = max(12, int(rng.lognormvariate(4.35, 0.5)))
                name = rng.choice(KETUA_NAMES) + rng.choice(KETUA_SURNAMES)
                phone = f"08{rng.randint(11, 99)}{rng.randint(1000000, 9999999)}"
                if (kel.pk, number) in existing:
                    continue
                new_rts.append(
                    RT(kelurahan=kel, number=number, ketua_name=name, phone=phone, kk_count=kk)
                )
        RT.objects.bulk_create(new_rts, batch_size=500)
        # BANTAR.md: RT 05 Buluran Kenali is a Besar RT (won in 2020).
        RT.objects.filter(kelurahan__name="Buluran Kenali", number=5, kk_count__lte=100).update(
            kk_count=132
        )
        return len(new_rts)

    def seed_users(self):
        User = get_user_model()
        for username, full_name, role, scope_kind, scope_name, agency in demo_users():
            user, created = User.objects.get_or_create(username=username)
            if created:
                first, _, last = full_name.partition(" ")
                user.first_name, user.last_name = first, last
                user.set_password(DEMO_PASSWORD)
                # Officers work in the admin; assessors only on the tablet pages.
                user.is_staff = role != roles.TIM_PENILAI
                user.save()
            user.groups.add(Group.objects.get(name=role))
            profile, _ = OfficerProfile.objects.get_or_create(user=user)
            profile.agency = agency
            if scope_kind == "kecamatan":
                profile.kecamatan = Kecamatan.objects.get(name=scope_name)
            elif scope_kind == "kelurahan":
                profile.kelurahan = Kelurahan.objects.get(name=scope_name)
            profile.save()


def seed_cycles_and_awards(command):
    """The past cycle through its decree and certificates, and the current cycle.

    The demo decree is demo data: it is finalised with the drawn placeholder emblems (and
    so carries the CONTOH mark), even with --force outside DEBUG, where a real decree is
    refused until the official emblems are uploaded (awards/identity.py)."""
    with override_settings(BANTAR_REQUIRE_OFFICIAL_EMBLEMS=False):
        past, _ = assessments_demo.seed(stdout=command.stdout)
        if past is not None:
            awards_demo.seed(cycle=past, stdout=command.stdout)
