from django import forms

from rt_registry.models import Kecamatan, Kelurahan, SizeCategory


class RecapFilterForm(forms.Form):
    """GET filters of the recap page and its export; choices within the user's scope."""

    kecamatan = forms.ModelChoiceField(queryset=Kecamatan.objects.none(), required=False)
    kelurahan = forms.ModelChoiceField(queryset=Kelurahan.objects.none(), required=False)
    kategori = forms.ChoiceField(
        label="Kategori", choices=[("", "Semua kategori"), *SizeCategory.choices], required=False
    )
    hasil = forms.ChoiceField(
        label="Hasil",
        choices=[
            ("", "Lulus & tidak"),
            ("lulus", "Memenuhi kriteria"),
            ("tidak", "Tidak memenuhi"),
        ],
        required=False,
    )
    kelengkapan = forms.ChoiceField(
        label="Kelengkapan",
        choices=[("", "Semua"), ("lengkap", "Lengkap"), ("belum", "Belum lengkap")],
        required=False,
    )
    urut = forms.ChoiceField(
        label="Urutkan",
        choices=[
            ("total", "Nilai tertinggi"),
            ("total_asc", "Nilai terendah"),
            ("wilayah", "Wilayah (kecamatan, kelurahan, RT)"),
        ],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.visible_to(user)
        self.fields["kecamatan"].empty_label = "Semua kecamatan"
        self.fields["kelurahan"].queryset = Kelurahan.objects.visible_to(user).select_related(
            "kecamatan"
        )
        self.fields["kelurahan"].empty_label = "Semua kelurahan"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filter_proposals(self, proposals):
        data = self.cleaned_data
        if data.get("kecamatan"):
            proposals = proposals.filter(rt__kelurahan__kecamatan=data["kecamatan"])
        if data.get("kelurahan"):
            proposals = proposals.filter(rt__kelurahan=data["kelurahan"])
        if data.get("kategori"):
            proposals = proposals.filter(size_category=data["kategori"])
        return proposals
