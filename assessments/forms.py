from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from assessments import proposals as proposal_flow
from assessments.models import (
    ConflictOfInterest,
    Cycle,
    IndicatorSet,
    Proposal,
    Team,
    TeamMember,
)
from rt_registry import roles, spreadsheets
from rt_registry.models import MAX_KK_COUNT, RT, Kecamatan, Kelurahan

PERCENT_FIELDS = ["pass_min_total_pct", "pass_min_pillar_pct", "kencana_min_total_pct"]
PRIZE_FIELDS = ["prize_kecil", "prize_sedang", "prize_besar"]
THRESHOLD_FIELDS = ["kecil_below", "besar_above"]


class WholeRupiahInput(forms.NumberInput):
    """Amounts are whole rupiah: the box shows 5000000, never the stored 5000000.00."""

    def __init__(self, attrs=None):
        super().__init__({"step": 1, "min": 0, **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return None
        try:
            return str(int(Decimal(value)))
        except (InvalidOperation, ValueError):
            return str(value)  # bad input is shown back as typed


class PercentInput(forms.NumberInput):
    """A percentage as typed: 70 or 72.5, never the stored 70.00."""

    def __init__(self, attrs=None):
        super().__init__({"step": "any", "min": 0, "max": 100, **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return None
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            return str(value)  # bad input is shown back as typed
        whole = number.to_integral_value()
        return str(int(whole)) if number == whole else format(number, "f").rstrip("0")


class CycleForm(forms.ModelForm):
    """Settings of a cycle. The stage is not here: it moves only via cycles.advance_stage."""

    class Meta:
        model = Cycle
        fields = [
            "year",
            "period",
            "indicator_set",
            *THRESHOLD_FIELDS,
            *PRIZE_FIELDS,
            *PERCENT_FIELDS[:2],
            "kencana_consecutive_wins",
            PERCENT_FIELDS[2],
            "proposal_opens",
            "proposal_closes",
            "assessment_opens",
            "assessment_closes",
        ]
        widgets = {
            **{name: WholeRupiahInput() for name in PRIZE_FIELDS},
            **{name: PercentInput() for name in PERCENT_FIELDS},
        }
        help_texts = dict.fromkeys(PRIZE_FIELDS, "Dalam rupiah, tanpa titik: 7500000.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # A new cycle is almost always scored on the newest indicator set.
            newest = IndicatorSet.objects.order_by("-pk").first()
            self.fields["indicator_set"].initial = newest.pk if newest else None

    def clean(self):
        data = super().clean()
        for name in PERCENT_FIELDS:
            value = data.get(name)
            if value is not None and not 0 <= value <= 100:
                self.add_error(name, "Persentase harus antara 0 dan 100.")
        for name in PRIZE_FIELDS:
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, "Uang pembinaan tidak boleh negatif.")
        kecil, besar = data.get("kecil_below"), data.get("besar_above")
        if kecil is not None and kecil < 1:
            self.add_error("kecil_below", "Batas Kecil minimal 1 KK.")
        if kecil is not None and besar is not None and besar < kecil:
            self.add_error(
                "besar_above",
                f"Batas Besar ({besar}) tidak boleh lebih kecil dari batas Kecil ({kecil}).",
            )
        if data.get("period") is not None and data["period"] < 1:
            self.add_error("period", "Periode minimal 1.")
        if (
            data.get("kencana_consecutive_wins") is not None
            and data["kencana_consecutive_wins"] < 1
        ):
            self.add_error("kencana_consecutive_wins", "Minimal 1 kali menang.")
        total, kencana = data.get("pass_min_total_pct"), data.get("kencana_min_total_pct")
        if total is not None and kencana is not None and kencana < total:
            self.add_error(
                "kencana_min_total_pct",
                "Nilai minimal Kencana tidak boleh di bawah nilai total minimal lulus.",
            )
        self._check_window(data, "proposal_opens", "proposal_closes", "usulan")
        self._check_window(data, "assessment_opens", "assessment_closes", "penilaian")
        if data.get("proposal_closes") and data.get("assessment_opens"):
            if data["assessment_opens"] < data["proposal_closes"]:
                self.add_error(
                    "assessment_opens", "Penilaian tidak boleh dibuka sebelum usulan ditutup."
                )
        self._check_thresholds_unchanged(data)
        if self.instance.pk and self.instance.is_locked:
            raise ValidationError(
                f"Periode {self.instance} sudah ditetapkan dengan SK final; datanya tidak dapat "
                "diubah."
            )
        return data

    def _check_window(self, data, opens, closes, what):
        if data.get(opens) and data.get(closes) and data[closes] < data[opens]:
            self.add_error(closes, f"Tanggal {what} ditutup tidak boleh sebelum tanggal dibuka.")

    def _check_thresholds_unchanged(self, data):
        # The category is copied onto each proposal: new thresholds would split the cycle.
        if not self.instance.pk:
            return
        changed = [n for n in [*THRESHOLD_FIELDS, "indicator_set"] if n in self.changed_data]
        if not changed:
            return
        if "indicator_set" in changed and self.instance.stage not in (
            Cycle.Stage.PERSIAPAN,
            Cycle.Stage.USULAN,
        ):
            self.add_error("indicator_set", "Set indikator hanya dapat diganti sebelum penilaian.")
        count = self.instance.proposals.count()
        if count and any(n in THRESHOLD_FIELDS for n in changed):
            for name in set(changed) & set(THRESHOLD_FIELDS):
                self.add_error(
                    name,
                    f"Batas KK tidak dapat diubah: sudah ada {count} usulan yang kategorinya "
                    "dihitung dari batas ini.",
                )


class ProposalAddForm(forms.ModelForm):
    """One RT proposed by hand. Choices are scoped: cycles open for proposals, active RTs
    of the officer's area not yet proposed in the (only) open cycle."""

    class Meta:
        model = Proposal
        fields = ["cycle", "rt"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        cycles = proposal_flow.proposing_cycles()
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].label = "Periode lomba"
        self.fields["cycle"].empty_label = None if cycles.count() == 1 else "---------"
        rts = RT.objects.visible_to(user).active().select_related("kelurahan").in_city_order()
        if cycles.count() == 1:
            rts = rts.exclude(proposals__cycle=cycles.get())
        self.fields["rt"].queryset = rts
        self.fields["rt"].label = "RT"
        self.fields["rt"].label_from_instance = lambda rt: (
            f"RT {rt.number:02d} Kel. {rt.kelurahan.name} — {rt.kk_count} KK, {rt.ketua_name}"
        )
        if not cycles.exists():
            self.fields["cycle"].help_text = "Tidak ada periode lomba yang sedang di tahap Usulan."

    def clean(self):
        data = super().clean()
        cycle, rt = data.get("cycle"), data.get("rt")
        if cycle and rt:
            errors = proposal_flow.proposal_errors(cycle=cycle, rts=[rt], by=self.user)
            if errors:
                raise ValidationError(errors)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Alasan dikembalikan",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Alasan ini dilihat oleh petugas kelurahan agar dapat memperbaiki usulan.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Alasan pengembalian wajib diisi.")
        return reason


class ResubmitForm(forms.Form):
    ketua_name = forms.CharField(label="Nama Ketua RT", max_length=120, required=False)
    kk_count = forms.IntegerField(label="Jumlah KK", min_value=1, max_value=MAX_KK_COUNT)


class ChooseCycleForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label="Periode lomba", queryset=Cycle.objects.none(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = proposal_flow.proposing_cycles()


class ChooseTeamForm(forms.Form):
    team = forms.ModelChoiceField(label="Tim penilai", queryset=Team.objects.none())

    def __init__(self, *args, cycle_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(cycle_id__in=cycle_ids).select_related(
            "cycle"
        )


class TeamAreaForm(forms.Form):
    """'Tambahkan semua usulan terverifikasi dari kecamatan/kelurahan X' on a team's page."""

    kecamatan = forms.ModelChoiceField(
        label="Kecamatan", queryset=Kecamatan.objects.all(), required=False
    )
    kelurahan = forms.ModelChoiceField(
        label="Kelurahan",
        queryset=Kelurahan.objects.select_related("kecamatan"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("kecamatan")) == bool(data.get("kelurahan")):
            raise ValidationError("Pilih satu kecamatan atau satu kelurahan (tidak keduanya).")
        return data


class ImportForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label="Periode lomba", queryset=Cycle.objects.none(), empty_label=None
    )
    file = forms.FileField(label="Berkas (CSV atau XLSX)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = proposal_flow.proposing_cycles()
        self.fields["file"].help_text = (
            "Kolom: kelurahan, nomor RT. Baris pertama adalah judul kolom; dari berkas .xlsx "
            "dibaca lembar pertama. Paling besar "
            f"{spreadsheets.megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)}."
        )

    def clean_file(self):
        """The uploaded file, read: a `Sheet`. A refused file is an error on this field."""
        upload = spreadsheets.check_upload(self.cleaned_data["file"])
        return spreadsheets.read_upload(upload)


class AssessorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["user", "agency"]
        field_classes = {"user": AssessorChoiceField}
        # The inline's column header (the model's field has no Indonesian name: "USER").
        labels = {"user": "Anggota (Tim Penilai)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(groups__name=roles.TIM_PENILAI, is_active=True)
            .order_by("username")
        )
        self.fields["user"].label = "Anggota (Tim Penilai)"


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["cycle", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "cycle" not in self.fields:
            return  # the admin's read-only view (a team of a locked cycle)
        open_cycles = Cycle.objects.filter(is_locked=False).exclude(
            stage__in=[Cycle.Stage.DITETAPKAN, Cycle.Stage.ARSIP]
        )
        if self.instance.pk:
            open_cycles = open_cycles | Cycle.objects.filter(pk=self.instance.cycle_id)
        self.fields["cycle"].queryset = open_cycles
        self.fields["cycle"].label = "Periode lomba"

    def clean(self):
        data = super().clean()
        cycle = data.get("cycle")
        if cycle is not None:
            cycle.ensure_editable()
        if self.instance.pk and "cycle" in self.changed_data and self.instance.proposals.exists():
            self.add_error("cycle", "Tim yang sudah memiliki usulan tidak dapat pindah periode.")
        return data


class ConflictForm(forms.ModelForm):
    """Admin DPMPPA records a conflict on an assessor's behalf; same rules as the tablet."""

    class Meta:
        model = ConflictOfInterest
        fields = ["proposal", "assessor", "reason"]
        field_classes = {"assessor": AssessorChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "proposal" not in self.fields:
            return  # the admin's read-only view of a recorded conflict: no fields to set up
        self.fields["proposal"].queryset = Proposal.objects.filter(
            team__isnull=False,
            cycle__is_locked=False,
            cycle__stage__in=[Cycle.Stage.USULAN, Cycle.Stage.PENILAIAN],
        ).select_related("cycle")
        self.fields["proposal"].label = "Usulan"
        self.fields["assessor"].queryset = get_user_model().objects.filter(
            groups__name=roles.TIM_PENILAI
        )
        self.fields["assessor"].label = "Penilai"

    def clean(self):
        data = super().clean()
        proposal, assessor = data.get("proposal"), data.get("assessor")
        if proposal and assessor:
            errors = proposal_flow.conflict_errors(proposal=proposal, assessor=assessor)
            if errors:
                raise ValidationError(errors)
        return data
