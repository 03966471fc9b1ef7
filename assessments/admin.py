"""Admin for the cycle, the teams and conflicts of interest (Admin DPMPPA). Indicators are
in admin_indicators.py; proposals in admin_proposals.py; sheets in admin_scoring.py;
meeting in admin_meeting.py."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from assessments import cycles, proposals
from assessments.admin_common import (
    CycleLockAdminMixin,
    LabelledInlineFormSet,
    ReadOnlyAdminMixin,
    ReadOnlyHistoryAdmin,
    message_errors,
)
from assessments.forms import (
    PRIZE_FIELDS,
    ConflictForm,
    CycleForm,
    TeamAreaForm,
    TeamForm,
    TeamMemberForm,
)
from assessments.models import (
    ConflictOfInterest,
    Cycle,
    Proposal,
    Team,
    TeamMember,
)
from rt_registry import roles
from rt_registry.templatetags.bantar import format_rupiah, format_tanggal

# --- Cycle -------------------------------------------------------------------------------


RUPIAH_DISPLAY = {name: f"{name}_rupiah" for name in PRIZE_FIELDS}


@admin.register(Cycle)
class CycleAdmin(ReadOnlyHistoryAdmin):
    form = CycleForm
    list_display = [
        "__str__",
        "stage",
        "indicator_set",
        "proposal_count",
        "proposal_opens",
        "assessment_opens",
        "is_locked",
    ]
    list_filter = ["stage", "year", "is_locked"]
    search_fields = ["indicator_set__name"]
    list_select_related = ["indicator_set"]
    readonly_fields = ["stage", "is_locked", "created"]
    fieldsets = [
        (None, {"fields": ["year", "period", "indicator_set", "stage", "is_locked"]}),
        ("Kategori ukuran (jumlah KK)", {"fields": ["kecil_below", "besar_above"]}),
        ("Uang pembinaan", {"fields": ["prize_kecil", "prize_sedang", "prize_besar"]}),
        (
            "Aturan kelulusan",
            {
                "fields": [
                    "pass_min_total_pct",
                    "pass_min_pillar_pct",
                    "kencana_consecutive_wins",
                    "kencana_min_total_pct",
                ]
            },
        ),
        (
            "Jadwal",
            {
                "fields": [
                    "proposal_opens",
                    "proposal_closes",
                    "assessment_opens",
                    "assessment_closes",
                    "created",
                ]
            },
        ),
    ]
    change_form_template = "admin/assessments/cycle/change_form.html"

    def get_queryset(self, request):
        # Count only the proposals the officer may see: a kecamatan officer's list must agree
        # with their work panel, not show the city-wide number.
        visible = Proposal.objects.visible_to(request.user).values("pk")
        return (
            super()
            .get_queryset(request)
            .annotate(n_proposals=Count("proposals", filter=Q(proposals__in=visible)))
        )

    @admin.display(description="usulan", ordering="n_proposals")
    def proposal_count(self, obj):
        return obj.n_proposals

    @admin.display(description="dibuat")
    def created(self, obj):
        return format_tanggal(obj.created_at) if obj.created_at else "-"

    @admin.display(description="uang pembinaan Kecil")
    def prize_kecil_rupiah(self, obj):
        return format_rupiah(obj.prize_kecil)

    @admin.display(description="uang pembinaan Sedang")
    def prize_sedang_rupiah(self, obj):
        return format_rupiah(obj.prize_sedang)

    @admin.display(description="uang pembinaan Besar")
    def prize_besar_rupiah(self, obj):
        return format_rupiah(obj.prize_besar)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_locked:
            return fieldsets
        # Read-only amounts read "Rp 5.000.000", not the stored "5000000,00".
        return [
            (name, {**opts, "fields": [RUPIAH_DISPLAY.get(f, f) for f in opts["fields"]]})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            names = [f.name for f in Cycle._meta.fields if f.name not in ("id", "created_at")]
            return [*names, "created", *RUPIAH_DISPLAY.values()]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or (obj.stage == Cycle.Stage.PERSIAPAN and not obj.proposals.exists())
        )

    def save_model(self, request, obj, form, change):
        obj._change_reason = "Pengaturan diubah" if change else "Periode dibuat"
        super().save_model(request, obj, form, change)

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/lanjut-tahap/",
                self.admin_site.admin_view(self.advance_view),
                name="assessments_cycle_advance",
            )
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_advance": roles.is_admin_dpmppa(request.user),
        }
        cycle = self.get_object(request, object_id)
        if cycle is not None and cycle.is_locked and request.method == "POST":
            # Nothing of a locked cycle changes: refuse rather than say «berhasil diubah».
            raise PermissionDenied(
                "Periode ini terkunci (SK final); pengaturannya tidak dapat diubah."
            )
        if cycle is not None and cycle.is_locked:
            # Everything is read-only once the SK is final: no save buttons to mislead.
            extra_context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def advance_view(self, request, pk):
        cycle = get_object_or_404(Cycle.objects.select_related("indicator_set"), pk=pk)
        if not (self.has_change_permission(request, cycle) and roles.is_admin_dpmppa(request.user)):
            raise PermissionDenied
        change_url = reverse("admin:assessments_cycle_change", args=[cycle.pk])
        if request.method == "POST":
            try:
                cycle = cycles.advance_stage(cycle, by=request.user)
            except ValidationError as error:
                message_errors(request, error)
            else:
                messages.success(
                    request, f"Periode {cycle} sekarang di tahap {cycle.get_stage_display()}."
                )
            return redirect(change_url)
        following = cycle.next_stage()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Lanjut ke tahap berikutnya",
            "cycle": cycle,
            "next_label": Cycle.Stage(following).label if following else None,
            "decree_only": following == Cycle.Stage.DITETAPKAN,
            "warnings": cycles.stage_warnings(cycle),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/assessments/cycle/advance.html", context)


# --- Teams ---------------------------------------------------------------------------------


class TeamMemberInline(CycleLockAdminMixin, admin.TabularInline):
    model = TeamMember
    formset = LabelledInlineFormSet
    form = TeamMemberForm
    extra = 1
    verbose_name = "anggota"
    verbose_name_plural = "anggota tim (pengguna kelompok Tim Penilai)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class TeamProposalInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Proposal
    fk_name = "team"
    fields = ["kecamatan_name", "kelurahan_name", "rt_number", "kk_count", "size_category"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "usulan yang dinilai"
    verbose_name_plural = "usulan yang dinilai tim ini"


@admin.register(Team)
class TeamAdmin(CycleLockAdminMixin, admin.ModelAdmin):
    form = TeamForm
    list_display = ["name", "cycle", "member_count", "proposal_count"]
    list_filter = ["cycle"]
    search_fields = ["name", "memberships__user__username", "memberships__user__first_name"]
    list_select_related = ["cycle"]
    inlines = [TeamMemberInline, TeamProposalInline]
    change_form_template = "admin/assessments/team/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_members=Count("memberships", distinct=True),
                n_proposals=Count("proposals", distinct=True),
            )
        )

    @admin.display(description="anggota", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members

    @admin.display(description="usulan", ordering="n_proposals")
    def proposal_count(self, obj):
        return obj.n_proposals

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.proposals.exists())

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/tambah-usulan/",
                self.admin_site.admin_view(self.add_area_view),
                name="assessments_team_add_area",
            )
        ]
        return urls + super().get_urls()

    def add_area_view(self, request, pk):
        team = get_object_or_404(Team.objects.select_related("cycle"), pk=pk)
        if not request.user.has_perm("assessments.assign_proposal"):
            raise PermissionDenied
        form = TeamAreaForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                assigned = proposals.assign_area_to_team(
                    team=team,
                    by=request.user,
                    kecamatan=form.cleaned_data["kecamatan"],
                    kelurahan=form.cleaned_data["kelurahan"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"{len(assigned)} usulan ditugaskan ke {team.name}.")
                return redirect("admin:assessments_team_change", team.pk)
        waiting = (
            proposals.unassigned_verified(cycle=team.cycle)
            .values("kecamatan_name", "kelurahan_name")
            .annotate(n=Count("pk"))
            .order_by("kecamatan_name", "kelurahan_name")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Tambahkan usulan terverifikasi ke {team.name}",
            "team": team,
            "form": form,
            "waiting": waiting,
        }
        return TemplateResponse(request, "admin/assessments/team/add_area.html", context)


# --- Conflicts of interest --------------------------------------------------------------


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(CycleLockAdminMixin, admin.ModelAdmin):
    form = ConflictForm
    list_display = ["proposal", "assessor", "reason", "declared"]
    list_filter = ["proposal__cycle"]
    search_fields = ["proposal__kelurahan_name", "assessor__username", "reason"]
    list_select_related = ["proposal__cycle", "assessor"]
    readonly_fields = ["declared"]

    @admin.display(description="dinyatakan", ordering="declared_at")
    def declared(self, obj):
        if not obj.declared_at:
            return "-"
        return format_tanggal(obj.declared_at)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["proposal", "assessor", "reason", "declared"]
        return self.readonly_fields

    def locked_cycle(self, obj):
        return obj.proposal.cycle

    def has_change_permission(self, request, obj=None):
        return False  # a declaration is withdrawn (deleted) and declared again, not edited

    def save_model(self, request, obj, form, change):
        conflict = proposals.declare_conflict(
            proposal=obj.proposal, assessor=obj.assessor, reason=obj.reason
        )
        obj.pk = conflict.pk
        obj.declared_at = conflict.declared_at
        obj._state.adding = False


# Admin classes by topic; each module registers its own (owners: see assessments/README.md).
from assessments import (  # noqa: E402, F401
    admin_indicators,
    admin_meeting,
    admin_proposals,
    admin_scoring,
)
