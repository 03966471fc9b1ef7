from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from rt_registry import roles


class SizeCategory(models.TextChoices):
    KECIL = "KECIL", "Kecil"
    SEDANG = "SEDANG", "Sedang"
    BESAR = "BESAR", "Besar"


# BANTAR.md: fewer than 50 KK is Kecil, 50..100 inclusive is Sedang, more than 100 Besar.
DEFAULT_KECIL_BELOW = 50
DEFAULT_BESAR_ABOVE = 100
# More KK than any RT of the city has (the largest have a few hundred): a typo, and
# far below the column's integer range, so an import refuses it instead of the database.
MAX_KK_COUNT = 2000
DEFAULT_PRIZES = {
    SizeCategory.KECIL: Decimal("5000000"),
    SizeCategory.SEDANG: Decimal("7500000"),
    SizeCategory.BESAR: Decimal("10000000"),
}


def size_category_for(
    kk_count, *, kecil_below=DEFAULT_KECIL_BELOW, besar_above=DEFAULT_BESAR_ABOVE
):
    if kk_count < kecil_below:
        return SizeCategory.KECIL
    if kk_count > besar_above:
        return SizeCategory.BESAR
    return SizeCategory.SEDANG


class ScopedQuerySet(models.QuerySet):
    """Rows a user may see. Subclasses name the path to the kelurahan and kecamatan."""

    kelurahan_path = None
    kecamatan_path = None

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or roles.is_admin_dpmppa(user):
            return self
        profile = getattr(user, "profile", None)
        if profile is None:
            return self.none()
        if roles.is_kelurahan_officer(user) and profile.kelurahan_id:
            return self.filter(**{self.kelurahan_path: profile.kelurahan_id})
        if roles.is_kecamatan_officer(user) and profile.kecamatan_id:
            return self.filter(**{self.kecamatan_path: profile.kecamatan_id})
        return self.none()


class KecamatanQuerySet(ScopedQuerySet):
    kelurahan_path = "kelurahan"
    kecamatan_path = "pk"


class Kecamatan(models.Model):
    code = models.CharField("kode", max_length=16, unique=True)
    name = models.CharField("nama", max_length=100, unique=True)

    objects = KecamatanQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"

    def __str__(self):
        return self.name


class KelurahanQuerySet(ScopedQuerySet):
    kelurahan_path = "pk"
    kecamatan_path = "kecamatan"


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan")
    code = models.CharField("kode", max_length=20, unique=True)
    name = models.CharField("nama", max_length=100)

    objects = KelurahanQuerySet.as_manager()

    class Meta:
        ordering = ["kecamatan__code", "code"]
        verbose_name = "kelurahan"
        verbose_name_plural = "kelurahan"
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name"),
        ]

    def __str__(self):
        return self.name


class RTQuerySet(ScopedQuerySet):
    kelurahan_path = "kelurahan"
    kecamatan_path = "kelurahan__kecamatan"

    def active(self):
        return self.filter(is_active=True)

    def in_city_order(self):
        return self.order_by("kelurahan__kecamatan__code", "kelurahan__code", "number")


class RT(models.Model):
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="rts")
    # A number, so RT 2 sorts before RT 10; shown zero-padded as "RT 02".
    number = models.PositiveSmallIntegerField("nomor RT")
    ketua_name = models.CharField("nama Ketua RT", max_length=120, blank=True)
    phone = models.CharField("telepon", max_length=30, blank=True)
    kk_count = models.PositiveIntegerField(
        "jumlah KK", validators=[MaxValueValidator(MAX_KK_COUNT)]
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField("aktif", default=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    objects = RTQuerySet.as_manager()

    class Meta:
        ordering = ["kelurahan__kecamatan__code", "kelurahan__code", "number"]
        verbose_name = "RT"
        verbose_name_plural = "RT"
        constraints = [
            models.UniqueConstraint(fields=["kelurahan", "number"], name="rt_unique_number"),
            models.CheckConstraint(
                condition=Q(kk_count__gte=1),
                name="rt_kk_count_positive",
                violation_error_message="Jumlah KK harus bilangan bulat minimal 1.",
            ),
            models.CheckConstraint(
                condition=Q(kk_count__lte=MAX_KK_COUNT),
                name="rt_kk_count_at_most_2000",
                violation_error_message="Jumlah KK paling banyak 2.000 untuk satu RT.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="rt_number_positive",
                violation_error_message="Nomor RT harus bilangan bulat minimal 1.",
            ),
        ]

    def __str__(self):
        return f"RT {self.number_label} {self.kelurahan.name}"

    @property
    def number_label(self):
        return f"{self.number:02d}"

    def size_category(self, *, kecil_below=DEFAULT_KECIL_BELOW, besar_above=DEFAULT_BESAR_ABOVE):
        return size_category_for(self.kk_count, kecil_below=kecil_below, besar_above=besar_above)


class OfficerProfile(models.Model):
    """Which rows a user may touch. *What* they may do comes from their group (roles.py)."""

    class Agency(models.TextChoices):
        DPMPPA = "DPMPPA", "DPMPPA"
        DLH = "DLH", "DLH"
        PUSKESMAS = "PUSKESMAS", "Dinkes/Puskesmas"
        POLRI = "POLRI", "Polsek/Babinkamtibmas"
        TNI = "TNI", "Babinsa/TNI"
        FORUM_RT = "FORUM_RT", "Forum RT"
        KELURAHAN = "KELURAHAN", "Kelurahan"
        KECAMATAN = "KECAMATAN", "Kecamatan"
        LAINNYA = "LAINNYA", "Lainnya"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.CharField("unsur/instansi", max_length=20, choices=Agency, blank=True)
    phone = models.CharField("telepon", max_length=30, blank=True)

    class Meta:
        verbose_name = "profil petugas"
        verbose_name_plural = "profil petugas"
        constraints = [
            models.CheckConstraint(
                condition=Q(kecamatan__isnull=True) | Q(kelurahan__isnull=True),
                name="profile_one_scope",
            ),
        ]

    def __str__(self):
        return f"Profil {self.user}"

    @property
    def scope_label(self):
        if self.kelurahan_id:
            return f"Kelurahan {self.kelurahan.name}"
        if self.kecamatan_id:
            return f"Kecamatan {self.kecamatan.name}"
        return "Kota Jambi"
