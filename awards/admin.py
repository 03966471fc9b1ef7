"""Awards (prize payments) and the Wali Kota's decree in the officers' admin.

Awards are made by awards.issuing.create_awards, never typed in: the admin changes only
their payment fields. Decrees: «Buat draf SK» prefills every default from a decided cycle;
a draft is edited here, previewed and finalised on the background worker; a final decree
is read-only and corrected only by a new decree that amends or revokes it."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from assessments.admin_common import ReadOnlyAdminMixin
from awards.forms import (
    AwardPaymentForm,
    DecreeCreateForm,
    DecreeForm,
    DocumentIdentityForm,
    MarkPaidForm,
)
from awards.identity import EMBLEM_LABELS, PLACEHOLDERS, is_placeholder
from awards.issuing import (
    basis_changed,
    basis_covers,
    create_correction,
    create_draft_decree,
    decree_lampiran,
    ensure_ready_to_finalise,
    reconcile,
)
from awards.models import Award, Decree, DocumentIdentity
from awards.payments import record_payment
from awards.views import payments_download
from documents.jobs import start_document_job
from rt_registry.admin_scope import ScopedAdminMixin
from rt_registry.models import RT
from rt_registry.roles import is_admin_dpmppa
from rt_registry.templatetags.bantar import format_rupiah
from stored_files.views import stored_file_download

PAYMENT_FIELDS = ["payment_status", "paid_on", "payment_reference"]


def correction_verb(decree):
    return "mencabut" if decree.correction == Decree.Correction.MENCABUT else "mengubah"


def error_messages(exc):
    return " ".join(exc.messages)


@admin.register(Award)
class AwardAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = AwardPaymentForm
    list_display = [
        "rt_label",
        "kelurahan",
        "kecamatan",
        "cycle",
        "size_category",
        "tier",
        "prize",
        "payment_status",
        "paid_on",
    ]
    list_filter = ["cycle", "size_category", "tier", "payment_status", "proposal__kecamatan_name"]
    search_fields = [
        "proposal__kelurahan_name",
        "proposal__kecamatan_name",
        "proposal__ketua_name",
        "payment_reference",
    ]
    list_select_related = ["proposal", "proposal__cycle", "cycle"]
    date_hierarchy = None
    actions = ["mark_paid", "download_payments"]
    fieldsets = [
        (
            "Penghargaan",
            {
                "fields": [
                    "cycle",
                    "rt_label",
                    "kelurahan",
                    "kecamatan",
                    "ketua",
                    "kk_count",
                    "size_category",
                    "tier",
                    "prize",
                ]
            },
        ),
        (
            "Pembayaran uang pembinaan",
            {
                "fields": [*PAYMENT_FIELDS, "payment_recorded_by", "payment_recorded_at"],
                "description": "Pembayaran tetap dapat dicatat setelah SK final.",
            },
        ),
        ("Piagam", {"fields": ["certificate_number", "certificate_code", "certificate_sha256"]}),
    ]
    readonly_fields = [
        "cycle",
        "rt_label",
        "kelurahan",
        "kecamatan",
        "ketua",
        "kk_count",
        "size_category",
        "tier",
        "prize",
        "payment_recorded_by",
        "payment_recorded_at",
        "certificate_number",
        "certificate_code",
        "certificate_sha256",
    ]

    @admin.display(description="RT", ordering="proposal__rt_number")
    def rt_label(self, obj):
        return f"RT {obj.proposal.rt_number:02d}"

    @admin.display(description="kelurahan", ordering="proposal__kelurahan_name")
    def kelurahan(self, obj):
        return obj.proposal.kelurahan_name

    @admin.display(description="kecamatan", ordering="proposal__kecamatan_name")
    def kecamatan(self, obj):
        return obj.proposal.kecamatan_name

    @admin.display(description="Ketua RT")
    def ketua(self, obj):
        return obj.proposal.ketua_name

    @admin.display(description="jumlah KK")
    def kk_count(self, obj):
        return obj.proposal.kk_count

    @admin.display(description="uang pembinaan", ordering="prize_amount")
    def prize(self, obj):
        return format_rupiah(obj.prize_amount)

    def has_add_permission(self, request):
        # Awards come from the meeting's decisions (create_awards), never typed in.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if any(name in form.changed_data for name in PAYMENT_FIELDS):
            obj.payment_recorded_by = request.user
            obj.payment_recorded_at = timezone.now()
        try:
            super().save_model(request, obj, form, change)
        except ValidationError as exc:
            # A lock refusal from Award.save(): nothing was written.
            raise PermissionDenied(error_messages(exc)) from exc

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data") and "cl" in response.context_data:
            totals = response.context_data["cl"].queryset.aggregate(total=Sum("prize_amount"))
            response.context_data["subtitle"] = (
                f"Jumlah uang pembinaan (sesuai saringan): {format_rupiah(totals['total'] or 0)}"
            )
        return response

    @admin.action(description="Tandai dibayar", permissions=["change"])
    def mark_paid(self, request, queryset):
        form = MarkPaidForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                count = record_payment(
                    awards=list(queryset),
                    paid_on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["payment_reference"],
                    by=request.user,
                )
            except ValidationError as exc:
                self.message_user(request, error_messages(exc), messages.ERROR)
                return None
            self.message_user(request, f"{count} penghargaan ditandai dibayar.", messages.SUCCESS)
            return None
        awards = list(queryset.select_related("proposal", "cycle"))
        return TemplateResponse(
            request,
            "admin/awards/award/mark_paid.html",
            {
                **self.admin_site.each_context(request),
                "title": "Tandai dibayar",
                "opts": self.model._meta,
                "form": form,
                "awards": awards,
                "total": sum(a.prize_amount for a in awards),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "media": self.media + form.media,
            },
        )

    @admin.action(description="Unduh daftar pembayaran (xlsx)", permissions=["view"])
    def download_payments(self, request, queryset):
        stamp = timezone.localdate().strftime("%Y%m%d")
        return payments_download(queryset, filename=f"pembayaran-bantar-{stamp}.xlsx")


class RTAwardInline(ReadOnlyAdminMixin, admin.TabularInline):
    """An RT's awards across cycles, read-only on its page (they count toward Kencana)."""

    model = Award
    fk_name = "rt"
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name = "penghargaan"
    verbose_name_plural = "Penghargaan Kampung BANTAR (semua periode)"
    fields = ["cycle", "tier", "size_category", "prize", "payment_status", "paid_on"]
    readonly_fields = fields

    @admin.display(description="uang pembinaan")
    def prize(self, obj):
        return format_rupiah(obj.prize_amount)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cycle")


def attach_rt_award_inline(site=admin.site):
    """The RT admin lives in rt_registry (loaded first); show awards on its change page."""
    rt_admin = site._registry.get(RT)
    if rt_admin is not None and RTAwardInline not in rt_admin.inlines:
        rt_admin.inlines = [*rt_admin.inlines, RTAwardInline]


attach_rt_award_inline()


@admin.register(Decree)
class DecreeAdmin(admin.ModelAdmin):
    form = DecreeForm
    list_display = [
        "number_label",
        "cycle",
        "status",
        "decided_on",
        "signatory_name",
        "correction",
        "amends",
    ]
    list_filter = ["status", "cycle", "paper_size", "correction"]
    search_fields = ["number", "tentang", "signatory_name", "verification_code"]
    list_select_related = ["cycle", "amends"]
    change_form_template = "admin/awards/decree/change_form.html"
    record_fields = [
        "cycle",
        "status",
        "correction",
        "amends",
        "verification_code",
        "basis_fingerprint",
        "basis_state",
        "pdf_link",
        "pdf_sha256",
        "finalised_by",
        "finalised_at",
        "created_at",
    ]

    @admin.display(description="nomor", ordering="number")
    def number_label(self, obj):
        return obj.number or "(draf, belum bernomor)"

    @admin.display(description="dasar SK sejak final")
    def basis_state(self, obj):
        if obj.status == Decree.Status.DRAFT:
            return "–"
        if basis_changed(obj):
            return f"BERUBAH: {basis_covers(obj)} berbeda dari saat SK difinalkan."
        return "Tidak berubah"

    @admin.display(description="berkas PDF final")
    def pdf_link(self, obj):
        if not obj.pdf:
            return "–"
        url = reverse("admin:awards_decree_download", args=[obj.pk])
        return format_html('<a href="{}">Unduh PDF final</a>', url)

    # Only Admin DPMPPA works with decrees (permissions in roles.py); a final decree is
    # read-only and never deleted.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == Decree.Status.DRAFT)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Decree.Status.DRAFT)

    def get_fieldsets(self, request, obj=None):
        editable = list(DecreeForm._meta.fields)
        return [
            ("Isi SK", {"fields": editable}),
            ("Catatan", {"fields": self.record_fields}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Decree.Status.DRAFT:
            return [*DecreeForm._meta.fields, *self.record_fields]
        return self.record_fields

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except ValidationError as exc:
            raise PermissionDenied(error_messages(exc)) from exc

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/pratinjau/", wrap(self.preview_view), name="awards_decree_preview"),
            path("<int:pk>/finalkan/", wrap(self.finalise_view), name="awards_decree_finalise"),
            path("<int:pk>/unduh/", wrap(self.download_view), name="awards_decree_download"),
            path(
                "<int:pk>/koreksi/<str:kind>/",
                wrap(self.correction_view),
                name="awards_decree_correction",
            ),
            *super().get_urls(),
        ]

    def get_decree(self, request, pk):
        if not (is_admin_dpmppa(request.user) and self.has_view_permission(request)):
            raise PermissionDenied
        decree = Decree.objects.select_related("cycle", "amends").filter(pk=pk).first()
        if decree is None:
            raise Http404("SK tidak ditemukan.")
        return decree

    def add_view(self, request, form_url="", extra_context=None):
        """«Buat draf SK»: choose a decided cycle; every field is prefilled from it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        # "?cycle=<id>" from the work panel or the decision page preselects the cycle.
        form = DecreeCreateForm(request.POST or None, initial={"cycle": request.GET.get("cycle")})
        if request.method == "POST" and form.is_valid():
            try:
                decree = create_draft_decree(cycle=form.cleaned_data["cycle"], by=request.user)
            except ValidationError as exc:
                form.add_error("cycle", error_messages(exc))
            else:
                self.message_user(
                    request,
                    "Draf SK dibuat dengan isi baku. Periksa dan lengkapi nomor, tanggal "
                    "dan penanda tangan, lalu buat pratinjau.",
                    messages.SUCCESS,
                )
                return redirect("admin:awards_decree_change", decree.pk)
        return TemplateResponse(
            request,
            "admin/awards/decree/create.html",
            {
                **self.admin_site.each_context(request),
                "title": "Buat draf SK",
                "form": form,
                "opts": self.model._meta,
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        decree = Decree.objects.select_related("cycle").filter(pk=object_id).first()
        extra_context = extra_context or {}
        if decree is not None:
            extra_context["decree_obj"] = decree
            extra_context["corrections"] = Decree.Correction.choices
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _post_only(request):
        if request.method != "POST":
            raise PermissionDenied

    def preview_view(self, request, pk):
        """A PDF of the draft (or the stored final copy) made on the worker."""
        self._post_only(request)
        decree = self.get_decree(request, pk)
        job = start_document_job(kind="decree", subject=f"decree:{decree.pk}", by=request.user)
        return HttpResponseRedirect(reverse("documents:job", args=[job.pk]))

    def finalise_view(self, request, pk):
        decree = self.get_decree(request, pk)
        if not self.has_change_permission(request, decree):
            raise PermissionDenied
        try:
            ensure_ready_to_finalise(decree)
        except ValidationError as exc:
            self.message_user(request, error_messages(exc), messages.ERROR)
            return redirect("admin:awards_decree_change", decree.pk)
        if request.method == "POST":
            job = start_document_job(
                kind="decree-final", subject=f"decree:{decree.pk}", by=request.user
            )
            return HttpResponseRedirect(reverse("documents:job", args=[job.pk]))
        lampiran = decree_lampiran(decree)
        return TemplateResponse(
            request,
            "admin/awards/decree/finalise.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Finalkan SK {decree.number}",
                "opts": self.model._meta,
                "decree": decree,
                "lampiran": lampiran,
                "problems": reconcile(decree) if lampiran else [],
            },
        )

    def download_view(self, request, pk):
        decree = self.get_decree(request, pk)
        if not decree.pdf:
            raise Http404("SK ini belum memiliki berkas PDF final.")
        from awards.pdf import decree_filename

        return stored_file_download(request, decree.pdf, filename=decree_filename(decree))

    def correction_view(self, request, pk, kind):
        self._post_only(request)
        decree = self.get_decree(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            draft = create_correction(target=decree, kind=kind, by=request.user)
        except ValidationError as exc:
            self.message_user(request, error_messages(exc), messages.ERROR)
            return redirect("admin:awards_decree_change", decree.pk)
        self.message_user(
            request,
            f"Draf SK baru yang {correction_verb(draft)} SK {decree.number} dibuat. Lengkapi "
            "nomor, tanggal dan alasannya (Menimbang), lalu buat pratinjau.",
            messages.SUCCESS,
        )
        return redirect("admin:awards_decree_change", draft.pk)


@admin.register(DocumentIdentity)
class DocumentIdentityAdmin(SimpleHistoryAdmin):
    """One record: the list opens the record itself; it is never deleted (its history
    shows every change of emblem, address and names)."""

    form = DocumentIdentityForm
    list_display = ["__str__", "kop_address", "head_name", "updated_at"]
    list_filter = []
    search_fields = []
    readonly_fields = ["updated_at", "emblem_status"]
    fields = [
        "emblem_status",
        "garuda",
        "lambang",
        "kop_address",
        "mayor_name",
        "head_name",
        "head_rank",
        "head_nip",
        "updated_at",
    ]

    @admin.display(description="status lambang")
    def emblem_status(self, obj):
        placeholders = [EMBLEM_LABELS[k] for k in PLACEHOLDERS if is_placeholder(k, identity=obj)]
        if placeholders:
            return (
                f"Masih gambar contoh: {', '.join(placeholders)}. Dokumen bertanda CONTOH dan "
                "SK tidak dapat difinalkan sampai lambang resmi diunggah."
            )
        return "Lambang resmi terpasang."

    def get_changeform_initial_data(self, request):
        return {"kop_address": settings.DPMPPA_KOP_ADDRESS}

    def changelist_view(self, request, extra_context=None):
        if DocumentIdentity.objects.filter(pk=DocumentIdentity.SINGLETON_PK).exists():
            return redirect("admin:awards_documentidentity_change", DocumentIdentity.SINGLETON_PK)
        return redirect("admin:awards_documentidentity_add")

    def has_add_permission(self, request):
        exists = DocumentIdentity.objects.filter(pk=DocumentIdentity.SINGLETON_PK).exists()
        return not exists and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
