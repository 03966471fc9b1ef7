import re

from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export.admin import ImportExportModelAdmin

from assessments.admin_common import propose_selected_rts
from rt_registry import importing, roles
from rt_registry.admin_scope import ScopedAdminMixin, ScopedImportExportMixin, ScopedRelatedFilter
from rt_registry.forms import OfficerProfileForm, RTExportForm, RTImportForm
from rt_registry.models import (
    DEFAULT_BESAR_ABOVE,
    DEFAULT_KECIL_BELOW,
    RT,
    Kecamatan,
    Kelurahan,
    OfficerProfile,
    SizeCategory,
)
from rt_registry.resources import EXPORT_FORMATS, IMPORT_FORMATS, RTResource

User = get_user_model()


def size_category_q(category, *, kecil_below=DEFAULT_KECIL_BELOW, besar_above=DEFAULT_BESAR_ABOVE):
    """The KK range of a category as a filter, the same bounds as `size_category_for`."""
    return {
        SizeCategory.KECIL: Q(kk_count__lt=kecil_below),
        SizeCategory.SEDANG: Q(kk_count__gte=kecil_below, kk_count__lte=besar_above),
        SizeCategory.BESAR: Q(kk_count__gt=besar_above),
    }[category]


class ReferenceDataAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Kecamatan and kelurahan come from the Kemendagri list: officers read them, only a
    superuser corrects them."""

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Kecamatan)
class KecamatanAdmin(ReferenceDataAdmin):
    list_display = ("code", "name", "kelurahan_count", "rt_count")
    list_display_links = ("code", "name")
    list_filter = ()  # eleven rows: nothing to narrow down
    search_fields = ("name", "code")
    list_select_related = ()  # no foreign keys; the counts are annotated
    ordering = ("code",)
    readonly_fields = ("kelurahan_count", "rt_count")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_kelurahan=Count("kelurahan", distinct=True),
                n_rt=Count("kelurahan__rts", distinct=True),
            )
        )

    @admin.display(description="jumlah kelurahan", ordering="n_kelurahan")
    def kelurahan_count(self, obj):
        return obj.n_kelurahan

    @admin.display(description="jumlah RT", ordering="n_rt")
    def rt_count(self, obj):
        return obj.n_rt


@admin.register(Kelurahan)
class KelurahanAdmin(ReferenceDataAdmin):
    list_display = ("code", "name", "kecamatan", "rt_count")
    list_display_links = ("code", "name")
    list_filter = (("kecamatan", ScopedRelatedFilter),)
    search_fields = ("name", "code", "kecamatan__name")
    list_select_related = ("kecamatan",)
    ordering = ("kecamatan__code", "code")
    readonly_fields = ("rt_count",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_rt=Count("rts"))

    @admin.display(description="jumlah RT", ordering="n_rt")
    def rt_count(self, obj):
        return obj.n_rt


class KelurahanFilter(ScopedRelatedFilter):
    """Kelurahan in the user's scope, narrowed to the kecamatan chosen in its filter."""

    kecamatan_parameter = "kelurahan__kecamatan__id__exact"

    def choice_queryset(self, field, request, model_admin):
        queryset = super().choice_queryset(field, request, model_admin)
        kecamatan_id = request.GET.get(self.kecamatan_parameter, "")
        if kecamatan_id.isdigit():
            queryset = queryset.filter(kecamatan_id=kecamatan_id)
        return queryset


class SizeCategoryFilter(admin.SimpleListFilter):
    title = "kategori"
    parameter_name = "kategori"

    def lookups(self, request, model_admin):
        return [
            (SizeCategory.KECIL, f"Kecil (kurang dari {DEFAULT_KECIL_BELOW} KK)"),
            (
                SizeCategory.SEDANG,
                f"Sedang ({DEFAULT_KECIL_BELOW}–{DEFAULT_BESAR_ABOVE} KK)",
            ),
            (SizeCategory.BESAR, f"Besar (lebih dari {DEFAULT_BESAR_ABOVE} KK)"),
        ]

    def queryset(self, request, queryset):
        if self.value() in SizeCategory.values:
            return queryset.filter(size_category_q(SizeCategory(self.value())))
        return queryset


# "5", "05", "RT 5", "RT.05" in the search box mean the RT number.
RT_NUMBER_IN_SEARCH = re.compile(r"(?i)\bRT\.?\s*(\d+)\b")


@admin.register(RT)
class RTAdmin(ScopedImportExportMixin, ScopedAdminMixin, ImportExportModelAdmin):
    list_display = (
        "rt_label",
        "kelurahan_name",
        "kecamatan_name",
        "ketua_name",
        "phone",
        "kk_count",
        "size_category_label",
        "is_active",
    )
    list_display_links = ("rt_label",)
    list_filter = (
        ("kelurahan__kecamatan", ScopedRelatedFilter),
        ("kelurahan", KelurahanFilter),
        SizeCategoryFilter,
        "is_active",
    )
    search_fields = ("ketua_name", "kelurahan__name", "kelurahan__kecamatan__name")
    search_help_text = "Cari nama Ketua RT, kelurahan, kecamatan atau nomor RT (mis. 5 atau RT 05)."
    list_select_related = ("kelurahan__kecamatan",)
    ordering = ("kelurahan__kecamatan__code", "kelurahan__code", "number")
    list_per_page = 50
    autocomplete_fields = ("kelurahan",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kelurahan", "number", "ketua_name", "phone", "kk_count", "is_active")}),
        ("Lokasi", {"fields": ("latitude", "longitude"), "classes": ("collapse",)}),
        ("Catatan sistem", {"fields": ("created_at", "updated_at")}),
    )
    actions = ("deactivate", "activate", propose_selected_rts)

    resource_classes = [RTResource]
    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_form_class = RTImportForm
    export_form_class = RTExportForm
    import_template_name = "admin/rt_registry/rt/import.html"

    # Import: the file is read and checked once, at preview; confirm writes the checked
    # rows kept beside the pending file (importing.py).
    IMPORT_ROWS_PER_PAGE = 200
    IMPORT_ROW_STATUSES = {"new": "Baru", "update": "Diubah", "skip": "Tidak berubah"}

    def get_urls(self):
        rows = path(
            "import/baris/",
            self.admin_site.admin_view(self.import_rows_view),
            name="rt_registry_rt_import_rows",
        )
        return [rows, *super().get_urls()]

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        checked = getattr(context.get("result"), "checked", None)
        if "confirm_form" in context and checked is not None:
            name = context["confirm_form"].initial["import_file_name"]
            storage = self._tmp_storage(name)
            importing.save_checked(checked, storage=storage._storage, path=storage.get_full_path())
            # The summary shows only the rows that need a look: the RTs it would change.
            changed = [r for r in context["result"].valid_rows() if r.import_type == "update"]
            context["changed_rows"] = changed[: self.IMPORT_ROWS_PER_PAGE]
            context["pending_name"] = name
        return response

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = self.pending_import_name(request)
        storage = self._tmp_storage(name)
        where = {"storage": storage._storage, "path": storage.get_full_path()}
        try:
            checked = importing.load_checked(**where)
            applied = importing.apply_checked(checked, user=request.user)
        except (importing.PendingImportMissing, importing.ImportRefused) as error:
            return self.import_cancelled(request, reason=str(error))
        self.forget_pending_import(request, name)
        importing.remove_checked(**where)
        storage.remove()
        user_id = request.user.pk
        for rts, flag in ((applied.created, ADDITION), (applied.updated, CHANGE)):
            if rts:
                LogEntry.objects.log_actions(user_id, rts, flag, "Diimpor dari berkas.")
        messages.success(
            request,
            f"Impor selesai: {len(applied.created)} baru, {len(applied.updated)} diubah, "
            f"{applied.unchanged} tidak berubah.",
        )
        return HttpResponseRedirect(reverse("admin:rt_registry_rt_changelist"))

    def import_rows_view(self, request):
        """Every row of a previewed file, page by page, by status (the preview shows only
        the rows that need attention)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = self.pending_import_name(request, request.GET.get("berkas", ""))
        storage = self._tmp_storage(name)
        try:
            checked = importing.load_checked(storage=storage._storage, path=storage.get_full_path())
        except importing.PendingImportMissing as error:
            return self.import_cancelled(request, reason=str(error))
        status = request.GET.get("jenis", "")
        rows = [r for r in checked.rows if r.status == status] if status else checked.rows
        page = Paginator(rows, self.IMPORT_ROWS_PER_PAGE).get_page(request.GET.get("halaman"))
        kelurahan = Kelurahan.objects.select_related("kecamatan").in_bulk(
            {row.kelurahan_id for row in page}
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Baris berkas impor",
            "page": page,
            "rows": [(row, kelurahan[row.kelurahan_id]) for row in page],
            "statuses": self.IMPORT_ROW_STATUSES,
            "status": status,
            "pending_name": name,
        }
        return TemplateResponse(request, "admin/rt_registry/rt/import_rows.html", context)

    @admin.display(description="RT", ordering="number")
    def rt_label(self, obj):
        return f"RT {obj.number_label}"

    @admin.display(description="kelurahan", ordering="kelurahan__name")
    def kelurahan_name(self, obj):
        return obj.kelurahan.name

    @admin.display(description="kecamatan", ordering="kelurahan__kecamatan__name")
    def kecamatan_name(self, obj):
        return obj.kelurahan.kecamatan.name

    @admin.display(description="kategori", ordering="kk_count")
    def size_category_label(self, obj):
        # Default thresholds; a proposal keeps the category of its cycle's thresholds.
        return obj.size_category().label

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Offered only to those who may propose (the action checks again when run).
        if not request.user.has_perm("assessments.add_proposal"):
            actions.pop("propose_selected_rts", None)
        return actions

    def get_list_display(self, request):
        # A kelurahan officer's list is one kelurahan: its name is in the title instead.
        columns = list(super().get_list_display(request))
        profile = getattr(request.user, "profile", None)
        if profile is not None and profile.kelurahan_id:
            columns = [c for c in columns if c not in ("kelurahan_name", "kecamatan_name")]
        elif profile is not None and profile.kecamatan_id:
            columns = [c for c in columns if c != "kecamatan_name"]
        return columns

    def changelist_view(self, request, extra_context=None):
        profile = getattr(request.user, "profile", None)
        title = "RT " + (profile.scope_label if profile is not None else "Kota Jambi")
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def get_search_results(self, request, queryset, search_term):
        term = RT_NUMBER_IN_SEARCH.sub(r"\1", search_term)
        numbers = [int(bit) for bit in term.split() if bit.isdigit()]
        words = " ".join(bit for bit in term.split() if not bit.isdigit())
        if numbers:
            queryset = queryset.filter(number__in=numbers)
        return super().get_search_results(request, queryset, words)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        profile = getattr(request.user, "profile", None)
        if profile is not None and profile.kelurahan_id:
            initial.setdefault("kelurahan", profile.kelurahan_id)
        return initial

    @admin.action(description="Nonaktifkan RT terpilih", permissions=["change"])
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        messages.success(request, f"{count} RT dinonaktifkan.")

    @admin.action(description="Aktifkan RT terpilih", permissions=["change"])
    def activate(self, request, queryset):
        count = queryset.update(is_active=True)
        messages.success(request, f"{count} RT diaktifkan.")


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    form = OfficerProfileForm
    can_delete = False
    max_num = 1
    verbose_name = "peran dan wilayah"
    verbose_name_plural = "peran dan wilayah"


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Officer accounts, for Admin DPMPPA (and superusers). The role group and the scope
    are set together in the profile inline; a non-superuser can neither see superusers
    nor grant superuser status or single permissions."""

    inlines = (OfficerProfileInline,)
    list_display = ("username", "full_name", "role", "scope", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff")
    search_fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "profile__kelurahan__name",
        "profile__kecamatan__name",
    )
    list_select_related = ("profile__kecamatan", "profile__kelurahan")
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("groups")
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        status = ["is_active"]
        if request.user.is_superuser:
            status += ["is_staff", "is_superuser", "user_permissions"]
        return (
            (None, {"fields": ("username", "password")}),
            ("Data pribadi", {"fields": ("first_name", "last_name", "email")}),
            ("Status", {"fields": status}),
            ("Tanggal penting", {"fields": ("last_login", "date_joined")}),
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_touch(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def _may_touch(self, request, obj):
        return obj is None or request.user.is_superuser or not obj.is_superuser

    @admin.display(description="nama")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description="peran")
    def role(self, obj):
        return ", ".join(g.name for g in obj.groups.all() if g.name in roles.ALL_ROLES) or "—"

    @admin.display(description="wilayah")
    def scope(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.scope_label if profile is not None else "—"
