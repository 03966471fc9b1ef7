"""Admin for usulan: propose (form, RT action, import), verify/return (kecamatan), resubmit
(kelurahan), assign to a team (Admin DPMPPA). Every write goes through assessments.proposals;
row scope through ScopedAdminMixin."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from assessments import proposals as flow
from assessments.admin_common import ReadOnlyHistoryAdmin, action_page, message_errors
from assessments.forms import (
    ChooseTeamForm,
    ImportForm,
    ProposalAddForm,
    ReasonForm,
    ResubmitForm,
)
from assessments.history import earlier_results, with_history_counts
from assessments.models import Cycle, Proposal
from assessments.resources import import_proposals
from rt_registry.admin_scope import ScopedAdminMixin, ScopedRelatedFilter
from rt_registry.templatetags.bantar import format_tanggal

DETAIL_FIELDS = [
    "cycle_label",
    "status",
    "return_reason",
    "kecamatan_name",
    "kelurahan_name",
    "rt_label",
    "ketua_name",
    "kk_count",
    "size_category",
    "team_label",
    "proposed",
    "verified",
    "resubmit_changes",
    "rt_history",
]


def titled(filter_class, title):
    """A list filter with an Indonesian title (the FK fields carry no verbose name)."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


@admin.register(Proposal)
class ProposalAdmin(ScopedAdminMixin, ReadOnlyHistoryAdmin):
    # Compact on purpose: the officers' screens are narrow beside the filter column.
    list_display = [
        "cycle_short",
        "rt_with_area",
        "kk",
        "size_category",
        "status_with_reason",
        "team_label",
        "past_results",
    ]
    list_display_links = ["rt_with_area"]
    list_filter = [
        ("cycle", titled(admin.RelatedFieldListFilter, "periode lomba")),
        "status",
        "size_category",
        ("rt__kelurahan__kecamatan", ScopedRelatedFilter),
        ("rt__kelurahan", ScopedRelatedFilter),
        ("team", titled(ScopedRelatedFilter, "tim penilai")),
    ]
    search_fields = ["kelurahan_name", "kecamatan_name", "ketua_name"]
    search_help_text = "Cari kelurahan, kecamatan, nama Ketua RT atau nomor RT (mis. 5 atau RT 05)."
    list_select_related = ["cycle", "team"]
    ordering = ["-cycle__year", "-cycle__period", "kecamatan_name", "kelurahan_name", "rt_number"]
    actions = ["verify_selected", "return_selected", "assign_selected", "unassign_selected"]
    change_form_template = "admin/assessments/proposal/change_form.html"
    change_list_template = "admin/assessments/proposal/change_list.html"

    # --- lists ---

    def get_queryset(self, request):
        return with_history_counts(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = search_term.strip().upper().removeprefix("RT").strip(" .")
        if number.isdigit():
            extra = self.get_queryset(request).filter(rt_number=int(number))
            queryset = queryset | extra
        return queryset, may_have_duplicates

    @admin.display(description="RT")
    def rt_label(self, obj):
        return f"RT {obj.rt_number:02d}"

    @admin.display(description="usulan", ordering="kelurahan_name")
    def rt_with_area(self, obj):
        return format_html(
            "RT {} {}<br><small>Kec. {}</small>",
            f"{obj.rt_number:02d}",
            obj.kelurahan_name,
            obj.kecamatan_name,
        )

    @admin.display(description="KK", ordering="kk_count")
    def kk(self, obj):
        return obj.kk_count

    @admin.display(description="status", ordering="status")
    def status_with_reason(self, obj):
        if obj.status == Proposal.Status.DIKEMBALIKAN:
            return format_html(
                "{}<br><small>Alasan: {}</small>", obj.get_status_display(), obj.return_reason
            )
        return obj.get_status_display()

    @admin.display(description="tim penilai", ordering="team__name")
    def team_label(self, obj):
        return obj.team.name if obj.team_id else "-"

    @admin.display(description="riwayat")
    def past_results(self, obj):
        # Other cycles of the same RT, annotated in the list query (history.with_history_counts).
        if not obj.past_entries:
            return "baru"
        return f"ikut {obj.past_entries}×, menang {obj.past_wins}×"

    @admin.display(description="periode", ordering="cycle__year")
    def cycle_short(self, obj):
        return f"{obj.cycle.year}/{obj.cycle.period_roman}"

    @admin.display(description="periode lomba")
    def cycle_label(self, obj):
        return f"{obj.cycle} (tahap {obj.cycle.get_stage_display()})"

    @admin.display(description="diusulkan")
    def proposed(self, obj):
        who = obj.proposed_by.get_username() if obj.proposed_by_id else "-"
        return f"{format_tanggal(obj.proposed_at)} oleh {who}"

    @admin.display(description="diverifikasi")
    def verified(self, obj):
        if not obj.verified_at:
            return "-"
        who = obj.verified_by.get_username() if obj.verified_by_id else "-"
        return f"{format_tanggal(obj.verified_at)} oleh {who}"

    # --- detail ---

    def get_fields(self, request, obj=None):
        return ["cycle", "rt"] if obj is None else DETAIL_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else DETAIL_FIELDS

    @admin.display(description="perubahan saat diajukan ulang")
    def resubmit_changes(self, obj):
        changes = flow.resubmission_changes(obj)
        if not changes:
            return "–"
        return format_html_join(
            mark_safe("<br>"), "{}: {} → {}", ((label, old, new) for label, old, new in changes)
        )

    @admin.display(description="hasil sebelumnya")
    def rt_history(self, obj):
        history = earlier_results([obj.rt_id], before=obj.cycle)[obj.rt_id]
        if not history.entries:
            return "Belum pernah ikut lomba sebelumnya."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    str(e.proposal.cycle),
                    e.proposal.get_size_category_display(),
                    e.proposal.get_status_display(),
                    "-" if e.total is None else f"{e.total:.2f}".replace(".", ","),
                    ("Menang" + (" (Kencana)" if e.award_tier == "KENCANA" else ""))
                    if e.won
                    else "-",
                )
                for e in history.entries
            ),
        )
        last = history.last_scored
        summary = (
            f"Ikut {history.cycles_entered} periode, menang {history.wins} kali"
            + (
                f"; nilai total terakhir {last.total:.2f} ({last.proposal.cycle})".replace(
                    ".", ",", 1
                )
                if last
                else ""
            )
            + "."
        )
        return format_html(
            '<p>{}</p><table class="rt-history"><thead><tr><th>Periode</th><th>Kategori</th>'
            "<th>Status usulan</th><th>Nilai total (0–42)</th><th>Hasil</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            summary,
            rows,
        )

    # --- permissions ---

    def has_verify_permission(self, request):
        return request.user.has_perm("assessments.verify_proposal")

    def has_assign_permission(self, request):
        return request.user.has_perm("assessments.assign_proposal")

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not flow.withdrawal_errors(obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Withdrawal is one by one from the proposal's page, where its rules are checked.
        actions.pop("delete_selected", None)
        return actions

    # --- add (one RT by hand) ---

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        base = super().get_form(request, obj, change, form=ProposalAddForm, **kwargs)

        class AddForm(base):
            def __init__(self, *args, **kw):
                kw.setdefault("user", request.user)
                super().__init__(*args, **kw)
                # Proposing is not the place to add, edit or delete an RT or a cycle.
                for name in ("rt", "cycle"):
                    widget = self.fields[name].widget if name in self.fields else None
                    for flag in ("can_add_related", "can_change_related", "can_delete_related"):
                        if hasattr(widget, flag):
                            setattr(widget, flag, False)

        return AddForm

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only; changes go through the workflow buttons
        proposal = flow.propose_rt(cycle=obj.cycle, rt=obj.rt, by=request.user)
        obj.__dict__.update(proposal.__dict__)

    def delete_model(self, request, obj):
        errors = flow.withdrawal_errors(obj)
        if errors:
            raise PermissionDenied(errors[0])
        obj._history_user = request.user
        super().delete_model(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        user = request.user
        in_usulan = obj.cycle.is_open_for(Cycle.Stage.USULAN)
        status = obj.status
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "can_verify": in_usulan
            and self.has_verify_permission(request)
            and status == Proposal.Status.DIAJUKAN,
            "can_return": in_usulan
            and self.has_verify_permission(request)
            and status != Proposal.Status.DIKEMBALIKAN
            and not obj.team_id,
            "can_resubmit": in_usulan
            and user.has_perm("assessments.change_proposal")
            and status == Proposal.Status.DIKEMBALIKAN,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- workflow pages ---

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path("impor/", view(self.import_view), name="assessments_proposal_import"),
            path(
                "<int:pk>/verifikasi/", view(self.verify_view), name="assessments_proposal_verify"
            ),
            path(
                "<int:pk>/kembalikan/", view(self.return_view), name="assessments_proposal_return"
            ),
            path(
                "<int:pk>/ajukan-ulang/",
                view(self.resubmit_view),
                name="assessments_proposal_resubmit",
            ),
        ]
        return urls + super().get_urls()

    def _page(self, request, template, **context):
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
        )

    def _change_url(self, obj):
        return reverse("admin:assessments_proposal_change", args=[obj.pk])

    def verify_view(self, request, pk):
        obj = self.get_object(request, str(pk))
        if not self.has_verify_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            # Verifying is a button on the proposal page; opening its address leads there.
            return redirect(self._change_url(obj))
        try:
            flow.verify_proposal(proposal=obj, by=request.user)
        except ValidationError as error:
            message_errors(request, error)
        else:
            messages.success(request, f"{obj} diverifikasi.")
        return redirect(self._change_url(obj))

    def return_view(self, request, pk):
        obj = self.get_object(request, str(pk))
        if not self.has_verify_permission(request):
            raise PermissionDenied
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                flow.return_proposal(
                    proposal=obj, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                message_errors(request, error)
            else:
                messages.success(request, f"{obj} dikembalikan ke kelurahan.")
            return redirect(self._change_url(obj))
        return self._page(
            request,
            "admin/assessments/proposal/return.html",
            title=f"Kembalikan usulan {obj}",
            form=form,
            proposals=[obj],
            original=obj,
        )

    def resubmit_view(self, request, pk):
        obj = self.get_object(request, str(pk))
        if not request.user.has_perm("assessments.change_proposal"):
            raise PermissionDenied
        rt = obj.rt
        form = ResubmitForm(
            request.POST if request.method == "POST" else None,
            initial={"ketua_name": rt.ketua_name, "kk_count": rt.kk_count},
        )
        if request.method == "POST" and form.is_valid():
            try:
                flow.resubmit_proposal(proposal=obj, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"{obj} diajukan ulang ke kecamatan.")
                return redirect(self._change_url(obj))
        return self._page(
            request,
            "admin/assessments/proposal/resubmit.html",
            title=f"Perbaiki dan ajukan ulang {obj}",
            form=form,
            original=obj,
        )

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        row_errors = []
        if request.method == "POST" and form.is_valid():
            sheet = form.cleaned_data["file"]
            try:
                created = import_proposals(
                    cycle=form.cleaned_data["cycle"], sheet=sheet, by=request.user
                )
            except ValidationError as error:
                row_errors = error.messages
            else:
                where = f" dari lembar '{sheet.name}'" if sheet.name else ""
                messages.success(request, f"{len(created)} usulan berhasil diimpor{where}.")
                if sheet.stop_note:
                    messages.warning(request, sheet.stop_note)
                return redirect("admin:assessments_proposal_changelist")
        return self._page(
            request,
            "admin/assessments/proposal/import.html",
            title="Impor usulan RT",
            form=form,
            row_errors=row_errors,
        )

    # --- bulk actions ---

    @admin.action(description="Verifikasi usulan terpilih", permissions=["verify"])
    def verify_selected(self, request, queryset):
        try:
            done = flow.verify_proposals(proposals=list(queryset), by=request.user)
        except (ValidationError, PermissionDenied) as error:
            message_errors(request, error)
            messages.warning(request, "Tidak ada usulan yang diverifikasi.")
        else:
            messages.success(request, f"{len(done)} usulan diverifikasi.")

    @admin.action(description="Kembalikan usulan terpilih…", permissions=["verify"])
    def return_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                done = flow.return_proposals(
                    proposals=list(queryset), by=request.user, reason=form.cleaned_data["reason"]
                )
            except (ValidationError, PermissionDenied) as error:
                message_errors(request, error)
                messages.warning(request, "Tidak ada usulan yang dikembalikan.")
            else:
                messages.success(request, f"{len(done)} usulan dikembalikan ke kelurahan.")
            return None
        return action_page(
            self,
            request,
            queryset,
            template="admin/assessments/proposal/return.html",
            title="Kembalikan usulan ke kelurahan",
            form=form,
            action="return_selected",
        )

    @admin.action(description="Tugaskan ke tim…", permissions=["assign"])
    def assign_selected(self, request, queryset):
        cycle_ids = set(queryset.values_list("cycle_id", flat=True))
        form = ChooseTeamForm(
            request.POST if "apply" in request.POST else None, cycle_ids=cycle_ids
        )
        if form.is_bound and form.is_valid():
            team = form.cleaned_data["team"]
            try:
                done = flow.assign_team(proposals=list(queryset), team=team, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                message_errors(request, error)
                messages.warning(request, "Tidak ada usulan yang ditugaskan.")
            else:
                messages.success(request, f"{len(done)} usulan ditugaskan ke {team.name}.")
            return None
        return action_page(
            self,
            request,
            queryset,
            template="admin/assessments/proposal/assign.html",
            title="Tugaskan usulan ke tim penilai",
            form=form,
            action="assign_selected",
        )

    @admin.action(description="Lepaskan dari tim", permissions=["assign"])
    def unassign_selected(self, request, queryset):
        try:
            done = flow.unassign_team(proposals=list(queryset), by=request.user)
        except (ValidationError, PermissionDenied) as error:
            message_errors(request, error)
        else:
            messages.success(request, f"{len(done)} usulan dilepas dari tim.")
