import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from assessments.models import Cycle, Proposal
from rt_registry.models import RT, ScopedQuerySet, SizeCategory

# Short codes printed under QR codes: no 0/O/1/I/L to misread from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class AwardQuerySet(ScopedQuerySet):
    kelurahan_path = "rt__kelurahan"
    kecamatan_path = "rt__kelurahan__kecamatan"


class Award(models.Model):
    class Tier(models.TextChoices):
        BANTAR = "BANTAR", "Kampung BANTAR"
        KENCANA = "KENCANA", "Kampung BANTAR Kencana"

    class PaymentStatus(models.TextChoices):
        BELUM = "BELUM", "Belum dibayar"
        DIBAYAR = "DIBAYAR", "Dibayar"

    # One award per proposal, and (cycle, rt) unique too: a second award for the same
    # RT in the same cycle is impossible in the database, not just unlikely.
    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="award", verbose_name="usulan"
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="awards", verbose_name="periode"
    )
    rt = models.ForeignKey(RT, on_delete=models.PROTECT, related_name="awards", verbose_name="RT")
    tier = models.CharField("predikat", max_length=10, choices=Tier, default=Tier.BANTAR)
    size_category = models.CharField("kategori", max_length=10, choices=SizeCategory)
    prize_amount = models.DecimalField("uang pembinaan", max_digits=14, decimal_places=2)
    payment_status = models.CharField(
        "status pembayaran", max_length=10, choices=PaymentStatus, default=PaymentStatus.BELUM
    )
    paid_on = models.DateField("tanggal bayar", null=True, blank=True)
    payment_reference = models.CharField("referensi pembayaran", max_length=100, blank=True)
    payment_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pembayaran dicatat oleh",
    )
    payment_recorded_at = models.DateTimeField("pembayaran dicatat pada", null=True, blank=True)
    certificate_number = models.CharField("nomor piagam", max_length=100, blank=True)
    certificate_code = models.CharField(
        "kode verifikasi piagam", max_length=16, unique=True, default=new_verification_code
    )
    certificate_pdf = models.FileField("berkas piagam", upload_to="piagam/%Y/", blank=True)
    certificate_sha256 = models.CharField("SHA-256 piagam", max_length=64, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    objects = AwardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "proposal__kecamatan_name", "proposal__kelurahan_name", "rt__number"]
        verbose_name = "penghargaan"
        verbose_name_plural = "penghargaan"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "rt"], name="award_unique_rt_per_cycle"),
            models.CheckConstraint(condition=Q(prize_amount__gte=0), name="award_prize_nonneg"),
            models.CheckConstraint(
                condition=Q(payment_status="BELUM") | Q(paid_on__isnull=False),
                name="award_paid_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_tier_display()} {self.proposal}"

    # Prize payments and certificates continue after the decree is final; nothing else of
    # an award of a locked cycle may change (awards/README.md, "Locking").
    FIELDS_WRITABLE_AFTER_LOCK = {
        "payment_status",
        "paid_on",
        "payment_reference",
        "payment_recorded_by",
        "payment_recorded_at",
        "certificate_number",
        "certificate_pdf",
        "certificate_sha256",
    }

    def save(self, *args, **kwargs):
        self.ensure_lock_allows_save()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        Cycle.objects.get(pk=self.cycle_id).ensure_editable()
        return super().delete(*args, **kwargs)

    def ensure_lock_allows_save(self):
        cycle = Cycle.objects.only("is_locked", "year", "period").get(pk=self.cycle_id)
        if not cycle.is_locked:
            return
        if self.pk is None:
            cycle.ensure_editable()
        stored = Award.objects.filter(pk=self.pk).values().first()
        if stored is None:
            cycle.ensure_editable()
        changed = {
            f.name
            for f in self._meta.concrete_fields
            if f.attname in stored and stored[f.attname] != _db_value(self, f)
        }
        if changed - self.FIELDS_WRITABLE_AFTER_LOCK:
            cycle.ensure_editable()


class Decree(models.Model):
    """The Keputusan Wali Kota. Draft until finalised; a final decree is never edited:
    a correction is a new decree that amends or revokes it."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", "Draf"
        FINAL = "FINAL", "Final"
        REVOKED = "REVOKED", "Dicabut"

    class Correction(models.TextChoices):
        MENGUBAH = "MENGUBAH", "Mengubah SK sebelumnya"
        MENCABUT = "MENCABUT", "Mencabut SK sebelumnya"

    class PaperSize(models.TextChoices):
        A4 = "A4", "A4 (210 × 297 mm)"
        F4 = "F4", "F4/Folio (215 × 330 mm)"

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="decrees", verbose_name="periode"
    )
    status = models.CharField("status", max_length=10, choices=Status, default=Status.DRAFT)
    number = models.CharField("nomor", max_length=100, blank=True)
    tentang = models.TextField("tentang")
    place = models.CharField("ditetapkan di", max_length=100, default="Jambi")
    decided_on = models.DateField("tanggal ditetapkan", null=True, blank=True)
    signatory_name = models.CharField("nama penanda tangan", max_length=120)
    signatory_title = models.CharField(
        "jabatan penanda tangan", max_length=120, default="WALI KOTA JAMBI"
    )
    menimbang = models.TextField("menimbang", help_text="Satu butir per baris.")
    mengingat = models.TextField("mengingat", help_text="Satu dasar hukum per baris.")
    memperhatikan = models.TextField("memperhatikan", blank=True)
    dictums = models.TextField("diktum", help_text="Satu diktum per baris (KESATU, KEDUA, …).")
    tembusan = models.TextField("tembusan", blank=True)
    budget_year = models.PositiveSmallIntegerField("tahun anggaran", null=True, blank=True)
    # The DPA the prizes are charged to, as the funding dictum names it (finalise_decree
    # checks the dictum still says it).
    budget_source = models.CharField(
        "sumber anggaran (DPA)",
        max_length=300,
        default=(
            "Dokumen Pelaksanaan Anggaran (DPA) Dinas Pemberdayaan Masyarakat, Perempuan dan "
            "Perlindungan Anak Kota Jambi"
        ),
    )
    paper_size = models.CharField(
        "ukuran kertas", max_length=2, choices=PaperSize, default=PaperSize.A4
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name="mengubah/mencabut SK",
    )
    correction = models.CharField(
        "jenis koreksi", max_length=10, choices=Correction, blank=True, default=""
    )
    # SHA-256 over what the decree rests on (awards/issuing.py, "Fingerprint"), computed
    # with the algorithm `fingerprint_version`. Decrees finalised before versions existed
    # are v1 (migration); new ones get the current version from finalise_decree.
    basis_fingerprint = models.CharField("sidik dasar SK (SHA-256)", max_length=64, blank=True)
    fingerprint_version = models.PositiveSmallIntegerField("versi sidik dasar SK", default=3)
    pdf = models.FileField("berkas PDF final", upload_to="sk/%Y/", blank=True)
    pdf_sha256 = models.CharField("SHA-256 PDF final", max_length=64, blank=True)
    verification_code = models.CharField(
        "kode verifikasi", max_length=16, unique=True, default=new_verification_code
    )
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="difinalkan oleh",
    )
    finalised_at = models.DateTimeField("difinalkan pada", null=True, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "SK Wali Kota"
        verbose_name_plural = "SK Wali Kota"
        constraints = [
            # A number is given once: no two final decrees share it.
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="decree_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(status="DRAFT") | (~Q(number="") & Q(decided_on__isnull=False)),
                name="decree_final_has_number_and_date",
            ),
            # A correction names the decree it corrects, and a decree with `amends` says how.
            models.CheckConstraint(
                condition=Q(amends__isnull=True, correction="")
                | (Q(amends__isnull=False) & ~Q(correction="")),
                name="decree_correction_names_its_target",
            ),
        ]

    def __str__(self):
        return f"SK {self.number or '(draf)'} – {self.cycle}"

    def save(self, *args, **kwargs):
        self.ensure_final_unchanged()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Decree.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise DecreeFinal("SK yang sudah final tidak dapat dihapus.", code="decree_final")
        return super().delete(*args, **kwargs)

    def number_in_text(self):
        """The number as running text cites it: "412 Tahun 2025" (however it was typed),
        or dots to fill in by hand while a draft has none. The title block prints it in
        capitals (number_in_title)."""
        number = self.number.strip()
        if number.upper().startswith("NOMOR"):
            number = number[5:].strip()
        if not number:
            return f"……… Tahun {self.cycle.year}"
        return re.sub(r"\btahun\b", "Tahun", number, flags=re.IGNORECASE)

    def number_in_title(self):
        """ "412 TAHUN 2025", for the capitalised title block and lampiran header."""
        return self.number_in_text().upper()

    def ensure_final_unchanged(self):
        """A final decree is never edited. The one change allowed is FINAL -> REVOKED,
        made by awards.issuing when a revoking decree is finalised."""
        if self.pk is None:
            return
        stored = Decree.objects.filter(pk=self.pk).values().first()
        if stored is None or stored["status"] == self.Status.DRAFT:
            return
        changed = {
            f.attname
            for f in self._meta.concrete_fields
            if f.attname in stored and stored[f.attname] != _db_value(self, f)
        }
        revoking = (
            changed == {"status"}
            and stored["status"] == self.Status.FINAL
            and self.status == self.Status.REVOKED
        )
        if changed and not revoking:
            raise DecreeFinal(
                f"SK {stored['number']} sudah final dan tidak dapat diubah. "
                "Kesalahan diperbaiki dengan SK baru yang mengubah atau mencabutnya.",
                code="decree_final",
            )


class DecreeFinal(ValidationError):
    """Raised when code or a user tries to change a final decree."""


def _db_value(obj, field):
    # Compare as the database returns it: a FileField holds its name, not the file object.
    value = getattr(obj, field.attname)
    if hasattr(value, "name") and not isinstance(value, str):
        return value.name or ""
    return value


class DocumentIdentity(models.Model):
    """«Identitas dokumen»: the city's emblems, the letterhead address and the names that
    every document (SK, piagam, Berita Acara) prints. One record (pk 1), with history.
    Until the official emblems are uploaded the drawn placeholders in static/img/ are used
    and every document carries a CONTOH mark (awards/identity.py)."""

    SINGLETON_PK = 1

    garuda = models.FileField(
        "Garuda Pancasila (resmi)",
        upload_to="identitas/",
        blank=True,
        help_text="Berkas PNG atau JPEG lambang negara, lebar minimal 600 piksel, maks. 2 MB.",
    )
    lambang = models.FileField(
        "lambang Kota Jambi (resmi)",
        upload_to="identitas/",
        blank=True,
        help_text="Berkas PNG atau JPEG lambang daerah, lebar minimal 600 piksel, maks. 2 MB.",
    )
    kop_address = models.CharField(
        "alamat kop surat DPMPPA",
        max_length=300,
        help_text="Dicetak di bawah nama dinas pada kop Berita Acara.",
    )
    mayor_name = models.CharField(
        "nama Wali Kota", max_length=120, blank=True, help_text="Tanpa gelar; usulan awal SK."
    )
    head_name = models.CharField("nama Kepala DPMPPA", max_length=120, blank=True)
    head_rank = models.CharField(
        "pangkat/golongan Kepala DPMPPA",
        max_length=120,
        blank=True,
        help_text="Misalnya «Pembina Utama Muda (IV/c)».",
    )
    head_nip = models.CharField("NIP Kepala DPMPPA", max_length=21, blank=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "identitas dokumen"
        verbose_name_plural = "identitas dokumen"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="document_identity_single_row"),
        ]

    def __str__(self):
        return "Identitas dokumen"

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)
