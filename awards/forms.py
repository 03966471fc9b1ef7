from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import Cycle
from awards.identity import validate_emblem
from awards.models import Award, Decree, DocumentIdentity
from awards.payments import check_paid_after_decree

NUMBER_HELP = (
    "Nomor dari register produk hukum, ditulis bebas dan tidak diurai oleh sistem. "
    "Kota Jambi: «512 TAHUN 2026» (dicetak «NOMOR 512 TAHUN 2026»); pola lain, "
    "mis. «100.3.3.2/Kep.512/DPMPPA/2026». Wajib diisi sebelum SK difinalkan."
)

SIGNATORY_TITLES = [
    ("WALI KOTA JAMBI", "WALI KOTA JAMBI"),
    ("Pj. WALI KOTA JAMBI", "Pj. WALI KOTA JAMBI (Penjabat)"),
    ("Plt. WALI KOTA JAMBI", "Plt. WALI KOTA JAMBI (Pelaksana Tugas)"),
]


# Django's own «Masukkan tanggal yang valid.» does not say what is wrong with 31/02/2026.
PAID_ON_INVALID = (
    "Tanggal bayar tidak valid: tanggal itu tidak ada di kalender atau tidak ditulis "
    "hari/bulan/tahun. Contoh: 05/12/2026."
)


def check_paid_on(paid_on):
    if paid_on and paid_on > timezone.localdate():
        raise forms.ValidationError("Tanggal bayar tidak boleh di masa depan.")
    return paid_on


class AwardPaymentForm(forms.ModelForm):
    """The payment fields of an award: the only ones that stay editable after the SK."""

    class Meta:
        model = Award
        fields = ["payment_status", "paid_on", "payment_reference"]
        error_messages = {"paid_on": {"invalid": PAID_ON_INVALID}}

    def clean_paid_on(self):
        paid_on = check_paid_on(self.cleaned_data.get("paid_on"))
        if paid_on and self.instance.pk:
            try:
                check_paid_after_decree([self.instance], paid_on)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return paid_on

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("payment_status")
        if status == Award.PaymentStatus.DIBAYAR and not cleaned.get("paid_on"):
            self.add_error("paid_on", "Isi tanggal bayar untuk penghargaan yang sudah dibayar.")
        if status == Award.PaymentStatus.BELUM and (
            cleaned.get("paid_on") or cleaned.get("payment_reference")
        ):
            self.add_error(
                "payment_status",
                "Tanggal dan referensi bayar hanya diisi bila status «Dibayar». "
                "Kosongkan keduanya untuk membatalkan catatan pembayaran.",
            )
        return cleaned


class MarkPaidForm(forms.Form):
    """The intermediate page of the admin action «Tandai dibayar»."""

    paid_on = forms.DateField(
        label="Tanggal bayar",
        widget=admin_widgets.AdminDateWidget,
        help_text="Hari/bulan/tahun, mis. 05/12/2026.",
        error_messages={"invalid": PAID_ON_INVALID},
    )
    payment_reference = forms.CharField(
        label="Referensi pembayaran",
        max_length=100,
        help_text="Nomor SP2D, bukti transfer atau kuitansi.",
    )

    def clean_paid_on(self):
        return check_paid_on(self.cleaned_data.get("paid_on"))


class DecreeCreateForm(forms.Form):
    """«Buat draf SK»: the cycle whose meeting has decided."""

    cycle = forms.ModelChoiceField(
        label="Periode lomba",
        queryset=Cycle.objects.filter(meeting__isnull=False).order_by("-year", "-period"),
        help_text="Periode yang rapat penetapannya sudah memutuskan semua usulan.",
    )


class DecreeForm(forms.ModelForm):
    signatory_title = forms.ChoiceField(label="Jabatan penanda tangan", choices=SIGNATORY_TITLES)

    class Meta:
        model = Decree
        fields = [
            "number",
            "tentang",
            "place",
            "decided_on",
            "signatory_name",
            "signatory_title",
            "menimbang",
            "mengingat",
            "memperhatikan",
            "dictums",
            "tembusan",
            "budget_year",
            "budget_source",
            "paper_size",
        ]
        help_texts = {
            "number": NUMBER_HELP,
            "signatory_name": "Nama lengkap tanpa gelar; dicetak dengan huruf kapital.",
            "tentang": "Tanpa kata «tentang»; dicetak dengan huruf kapital pada judul.",
            "menimbang": "Satu butir per baris, diawali «bahwa …»; huruf a, b, c diberi otomatis.",
            "mengingat": "Satu dasar hukum per baris, urut menurut tingkatannya; nomor otomatis.",
            "dictums": "Satu diktum per baris; label KESATU, KEDUA, … diberi otomatis.",
            "tembusan": "Satu penerima per baris.",
            "budget_source": "Dinamai pada diktum pembebanan biaya; ubah keduanya bersama.",
        }
        widgets = {
            "tentang": forms.Textarea(attrs={"rows": 2, "cols": 90}),
            "menimbang": forms.Textarea(attrs={"rows": 8, "cols": 90}),
            "mengingat": forms.Textarea(attrs={"rows": 8, "cols": 90}),
            "memperhatikan": forms.Textarea(attrs={"rows": 2, "cols": 90}),
            "dictums": forms.Textarea(attrs={"rows": 10, "cols": 90}),
            "tembusan": forms.Textarea(attrs={"rows": 6, "cols": 90}),
        }

    def clean_number(self):
        number = " ".join(self.cleaned_data.get("number", "").split())
        if number and Decree.objects.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Nomor {number} sudah dipakai SK lain.")
        return number

    def clean_signatory_name(self):
        return " ".join(self.cleaned_data["signatory_name"].split())


class DocumentIdentityForm(forms.ModelForm):
    """«Identitas dokumen»: emblems are checked by content before they are stored."""

    class Meta:
        model = DocumentIdentity
        fields = [
            "garuda",
            "lambang",
            "kop_address",
            "mayor_name",
            "head_name",
            "head_rank",
            "head_nip",
        ]

    def _clean_emblem(self, name):
        upload = self.cleaned_data.get(name)
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            validate_emblem(upload)
        return upload

    def clean_garuda(self):
        return self._clean_emblem("garuda")

    def clean_lambang(self):
        return self._clean_emblem("lambang")

    def clean_head_nip(self):
        nip = "".join(self.cleaned_data.get("head_nip", "").split())
        if nip and (not nip.isdigit() or len(nip) != 18):
            raise forms.ValidationError("NIP terdiri atas 18 angka, tanpa spasi atau titik.")
        return nip
