"""Admin for the decision meeting (Admin DPMPPA): Meeting with its attendees, Decision
(read-only, with history; decisions are recorded on /rapat/<cycle>/keputusan/).
The list of generated documents is documents/admin.py."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from assessments.admin import ReadOnlyHistoryAdmin
from assessments.admin_common import CycleLockAdminMixin, LabelledInlineFormSet, ReadOnlyAdminMixin
from assessments.models import Cycle, Decision, Meeting, MeetingAttendee
from rt_registry.templatetags.bantar import format_waktu


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["cycle", "held_on", "place", "number", "head_name", "notes"]
        labels = {"cycle": "periode lomba"}
        help_texts = {
            "held_on": "Format hari/bulan/tahun, misalnya 29/11/2026.",
            "number": "Nomor Berita Acara, ditulis bebas, misalnya 005/BA/DPMPPA/2026.",
            "head_name": "Nama Kepala DPMPPA untuk blok 'Mengetahui' pada Berita Acara.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "cycle" in self.fields:
            self.fields["cycle"].queryset = Cycle.objects.filter(is_locked=False)

    def clean(self):
        cleaned = super().clean()
        cycle = cleaned.get("cycle") or getattr(self.instance, "cycle", None)
        if cycle is not None:
            try:
                cycle.ensure_editable()
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return cleaned


class MeetingAttendeeInline(CycleLockAdminMixin, admin.TabularInline):
    model = MeetingAttendee
    formset = LabelledInlineFormSet
    fields = ["order", "name", "position", "rank", "nip"]
    extra = 3
    verbose_name_plural = "peserta rapat (urutan pada lembar tanda tangan)"


@admin.register(Meeting)
class MeetingAdmin(CycleLockAdminMixin, ReadOnlyHistoryAdmin):
    form = MeetingForm
    inlines = [MeetingAttendeeInline]
    list_display = ["__str__", "held_on", "place", "number", "cycle_stage", "links"]
    list_filter = ["cycle__year", "cycle__stage"]
    search_fields = ["place", "number", "head_name"]
    list_select_related = ["cycle"]
    readonly_fields = ["links", "recorded_at"]
    fieldsets = [
        (None, {"fields": ["cycle", "held_on", "place", "number", "head_name", "notes"]}),
        ("Rekapitulasi, keputusan dan Berita Acara", {"fields": ["links", "recorded_at"]}),
    ]

    @admin.display(description="dicatat")
    def recorded_at(self, obj):
        return format_waktu(obj.created_at) if obj and obj.pk else "–"

    @admin.display(description="tahap periode", ordering="cycle__stage")
    def cycle_stage(self, obj):
        return obj.cycle.get_stage_display()

    @admin.display(description="halaman")
    def links(self, obj):
        if obj is None or obj.pk is None:
            return "Simpan rapat dulu; tautan rekapitulasi dan keputusan muncul di sini."
        return format_html(
            '<a href="{}">Rekapitulasi</a> · <a href="{}">Keputusan rapat &amp; '
            "Buat Berita Acara (PDF)</a>",
            reverse("assessments:recap", args=[obj.cycle_id]),
            reverse("assessments:decisions", args=[obj.cycle_id]),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["cycle", *self.readonly_fields]  # a meeting belongs to one cycle for good
        return self.readonly_fields


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, ReadOnlyHistoryAdmin):
    """Read-only: decisions are recorded through decisions.record_decisions (the
    Keputusan rapat page), which recomputes the rule; the history shows every change."""

    list_display = [
        "proposal",
        "category",
        "total",
        "rule_passes",
        "outcome",
        "is_overruled",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["proposal__cycle", "outcome", "rule_passes", "proposal__size_category"]
    search_fields = ["proposal__kelurahan_name", "proposal__kecamatan_name", "overrule_reason"]
    list_select_related = ["proposal__cycle", "decided_by"]
    readonly_fields = [
        "proposal",
        "rule_passes",
        "total",
        "outcome",
        "overrule_reason",
        "decided_by",
        "decided_at",
    ]
    fields = readonly_fields

    @admin.display(description="kategori", ordering="proposal__size_category")
    def category(self, obj):
        return obj.proposal.get_size_category_display()

    @admin.display(description="menyimpang dari aturan", boolean=True)
    def is_overruled(self, obj):
        return obj.is_overruled
