from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from import_export.forms import ExportForm, ImportForm

from rt_registry import roles, spreadsheets
from rt_registry.models import OfficerProfile

STAFF_ROLES = {roles.ADMIN_DPMPPA, roles.PETUGAS_KECAMATAN, roles.PETUGAS_KELURAHAN}

# django-import-export has no Indonesian catalogue; its few form messages are put into
# Indonesian here rather than in a locale folder of our own.
IMPORT_MESSAGES = {
    "No valid data to import. Ensure your file has the correct headers or data for import.": (
        "Berkas tidak berisi data yang dapat diimpor. Periksa judul kolom dan isinya."
    ),
}


class RTImportForm(ImportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["import_file"].label = "Berkas"
        self.fields["import_file"].help_text = (
            "Berkas .xlsx (lembar pertama dibaca) atau .csv, paling besar "
            f"{spreadsheets.megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)}."
        )
        self.fields["import_file"].error_messages["required"] = "Pilih berkas yang akan diimpor."
        self.fields["format"].label = "Format berkas"
        self.fields["format"].error_messages["required"] = "Pilih format berkas."
        self.fields["resource"].label = "Jenis data"

    def clean_import_file(self):
        return spreadsheets.check_upload(self.cleaned_data["import_file"])

    def add_error(self, field, error):
        if isinstance(error, str) or hasattr(error, "_proxy____cast"):
            error = IMPORT_MESSAGES.get(str(error), str(error))
        super().add_error(field, error)


class RTExportForm(ExportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].label = "Format berkas"
        self.fields["format"].error_messages["required"] = "Pilih format berkas."
        self.fields["resource"].label = "Jenis data"
        # Officers open exports in Excel: offer .xlsx first.
        xlsx = [value for value, title in self.fields["format"].choices if title == "xlsx"]
        if xlsx:
            self.fields["format"].initial = xlsx[0]


class OfficerProfileForm(forms.ModelForm):
    """Role and scope together, so they are checked together: a Petugas Kelurahan needs
    exactly one kelurahan, a Petugas Kecamatan one kecamatan, the others none."""

    role = forms.ChoiceField(
        label="Peran",
        required=False,
        choices=[("", "— tanpa peran —"), *((r, r) for r in roles.ALL_ROLES)],
        help_text="Peran menentukan apa yang boleh dikerjakan; wilayah menentukan data mana.",
    )

    class Meta:
        model = OfficerProfile
        fields = ["role", "kecamatan", "kelurahan", "agency", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.instance, "user", None) if self.instance.user_id else None
        if user is not None:
            names = [g.name for g in user.groups.all() if g.name in roles.ALL_ROLES]
            self.fields["role"].initial = names[0] if names else ""
        self.fields["kecamatan"].help_text = "Hanya untuk Petugas Kecamatan."
        self.fields["kelurahan"].help_text = "Hanya untuk Petugas Kelurahan."

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        kecamatan, kelurahan = cleaned.get("kecamatan"), cleaned.get("kelurahan")
        if role == roles.PETUGAS_KECAMATAN and (kecamatan is None or kelurahan is not None):
            raise forms.ValidationError(
                "Petugas Kecamatan harus memiliki satu kecamatan dan tanpa kelurahan."
            )
        if role == roles.PETUGAS_KELURAHAN and (kelurahan is None or kecamatan is not None):
            raise forms.ValidationError(
                "Petugas Kelurahan harus memiliki satu kelurahan dan tanpa kecamatan."
            )
        if role in (roles.ADMIN_DPMPPA, roles.TIM_PENILAI) and (kecamatan or kelurahan):
            raise forms.ValidationError(
                f"{role} bekerja untuk seluruh kota: kosongkan kecamatan dan kelurahan."
            )
        if kecamatan is not None and kelurahan is not None:
            raise forms.ValidationError("Pilih kecamatan atau kelurahan, tidak keduanya.")
        return cleaned

    def save(self, commit=True):
        profile = super().save(commit=commit)
        if commit:
            set_role(profile.user, self.cleaned_data.get("role") or None)
        return profile


def set_role(user, role):
    """One role group per user; officers work in the admin, assessors do not."""
    user.groups.remove(*Group.objects.filter(name__in=roles.ALL_ROLES))
    if role:
        user.groups.add(Group.objects.get(name=role))
        user.is_staff = role in STAFF_ROLES
        user.save(update_fields=["is_staff"])
