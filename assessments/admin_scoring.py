"""Admin for assessment sheets: read-only, versions side by side, the visit's photos and
position (served by evidence_views.py, in scope), and "Buka kembali"
(Admin DPMPPA reopens a sent sheet with a reason; scoring.reopen_sheet does the work)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from assessments import scoring
from assessments.admin_common import ReadOnlyAdminMixin
from assessments.models import Assessment, Score
from assessments.scoring_forms import ReopenForm
from rt_registry import roles
from rt_registry.templatetags.bantar import format_waktu


class ScoreInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Score
    fields = ("indicator_code", "indicator_text", "value", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("indicator").order_by("indicator__order")
        )

    @admin.display(description="kode")
    def indicator_code(self, score):
        return score.indicator.code

    @admin.display(description="indikator")
    def indicator_text(self, score):
        return score.indicator.text


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "proposal",
        "assessor_name",
        "versi",
        "status",
        "total",
        "scored",
        "visit_date",
        "sent_at",
        "reopened_at",
    )
    list_filter = ("status", "proposal__cycle", "proposal__kecamatan_name")
    search_fields = (
        "proposal__kelurahan_name",
        "proposal__kecamatan_name",
        "=proposal__rt_number",
        "assessor__username",
        "assessor__first_name",
        "assessor__last_name",
    )
    list_select_related = ("proposal__cycle", "assessor")
    ordering = ("proposal__kecamatan_name", "proposal__kelurahan_name", "proposal__rt_number")
    # The model's audit fields carry English names; these give the officers Indonesian ones.
    fields = (
        "usulan",
        "penilai",
        "versi",
        "status",
        "visit_date",
        "general_note",
        "sent_at",
        "dibuka_kembali_oleh",
        "dibuka_kembali_pada",
        "reopen_reason",
        "dibuat",
        "diubah",
        "token",
    )
    readonly_fields = fields
    inlines = [ScoreInline]
    change_form_template = "assessments/scoring_admin_change_form.html"

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(total_value=Sum("scores__value"), scored_count=Count("scores"))
        )
        # Sheets are the Admin DPMPPA's: officers of an area never see assessors' sheets.
        if not roles.is_admin_dpmppa(request.user):
            return queryset.none()
        return queryset

    @admin.display(description="penilai", ordering="assessor__username")
    def assessor_name(self, sheet):
        return sheet.assessor.get_full_name() or sheet.assessor.username

    @admin.display(description="usulan")
    def usulan(self, sheet):
        return sheet.proposal

    @admin.display(description="penilai")
    def penilai(self, sheet):
        return self.assessor_name(sheet)

    @admin.display(description="versi", ordering="version")
    def versi(self, sheet):
        return sheet.version

    @admin.display(description="dibuka kembali oleh")
    def dibuka_kembali_oleh(self, sheet):
        return sheet.reopened_by or "-"

    @admin.display(description="dibuka kembali pada")
    def dibuka_kembali_pada(self, sheet):
        return format_waktu(sheet.reopened_at)

    @admin.display(description="dibuat")
    def dibuat(self, sheet):
        return format_waktu(sheet.created_at)

    @admin.display(description="terakhir diubah")
    def diubah(self, sheet):
        return format_waktu(sheet.updated_at)

    @admin.display(description="token tablet")
    def token(self, sheet):
        return sheet.client_token

    @admin.display(description="total (0–42)", ordering="total_value")
    def total(self, sheet):
        return sheet.total_value or 0

    @admin.display(description="indikator dinilai", ordering="scored_count")
    def scored(self, sheet):
        return sheet.scored_count

    def get_urls(self):
        return [
            path(
                "<path:object_id>/buka-kembali/",
                self.admin_site.admin_view(self.reopen_view),
                name="assessments_assessment_reopen",
            ),
            *super().get_urls(),
        ]

    def may_reopen(self, request, sheet):
        return (
            roles.is_admin_dpmppa(request.user)
            and sheet.status == Assessment.Status.SENT
            and not Assessment.objects.filter(
                proposal_id=sheet.proposal_id,
                assessor_id=sheet.assessor_id,
                status=Assessment.Status.DRAFT,
            ).exists()
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        sheet = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if sheet is not None:
            extra_context["may_reopen"] = self.may_reopen(request, sheet)
            extra_context["evidence_photos"] = sheet.photos.select_related("indicator")
            extra_context["versions"] = Assessment.objects.filter(
                proposal_id=sheet.proposal_id, assessor_id=sheet.assessor_id
            ).order_by("version")
        return super().change_view(request, object_id, form_url, extra_context)

    def reopen_view(self, request, object_id):
        sheet = self.get_object(request, object_id)
        if sheet is None or not self.has_view_permission(request, sheet):
            raise PermissionDenied("Lembar penilaian tidak ditemukan atau di luar wewenang Anda.")
        if not roles.is_admin_dpmppa(request.user):
            raise PermissionDenied(
                "Hanya Admin DPMPPA yang dapat membuka kembali lembar penilaian."
            )
        form = ReopenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                draft = scoring.reopen_sheet(
                    sheet, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Lembar dibuka kembali sebagai versi {draft.version}. Versi terkirim tetap "
                    "dipakai rekapitulasi sampai penilai mengirim ulang.",
                )
                return redirect(reverse("admin:assessments_assessment_change", args=[draft.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Buka kembali lembar penilaian",
            "sheet": sheet,
            "form": form,
        }
        return TemplateResponse(request, "assessments/scoring_admin_reopen.html", context)
