"""Row scope for the admin: one mixin, every path through `visible_to(user)`.

Django's admin leaks rows by default in places people forget: foreign-key choices (and
the ids a POST may carry), autocomplete, related list filters, object URLs, bulk delete
and imports/exports. Each is closed here on the server, not in the template."""

import datetime

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from import_export.results import RowResult

from rt_registry.spreadsheets import SpreadsheetRefused

PENDING_IMPORTS_SESSION_KEY = "bantar_pending_imports"
# A previewed file nobody confirmed is removed after this long (sessions end sooner).
PENDING_IMPORT_LIFETIME = datetime.timedelta(days=1)


def scoped(model, user):
    """`model.objects.visible_to(user)` where the model is scoped, else all rows."""
    return scoped_queryset(model._default_manager.all(), user)


def scoped_queryset(queryset, user):
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    return queryset


class ScopedAdminMixin:
    def get_queryset(self, request):
        # The autocomplete view of *this* admin also lists rows from here.
        return scoped_queryset(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices *and* validation: a forged id outside the scope is "not a valid choice".
        kwargs["queryset"] = scoped(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = scoped(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # The admin would redirect with "does not exist"; outside the scope is a 404.
            raise Http404("Data tidak ditemukan atau di luar wilayah Anda.")
        return obj

    def in_scope(self, request, obj):
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or obj.pk is None or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.pk is None or self.in_scope(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.pk is None or self.in_scope(request, obj))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Last line of defence: what was saved must still lie in the user's scope. The
        # admin's change view runs in a transaction, so raising here undoes the save.
        if not self.in_scope(request, obj):
            raise PermissionDenied("Data di luar wilayah Anda tidak dapat disimpan.")

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action: only rows inside the scope, whatever was posted.
        super().delete_queryset(request, scoped_queryset(queryset, request.user))

    def response_action(self, request, queryset):
        # A forged non-numeric row id would reach `pk__in` and end in a server error.
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(value.isdigit() for value in selected):
            messages.error(request, "Pilihan baris tidak sah; tidak ada yang diubah.")
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """Related list filter offering only the values inside the user's scope (Django's
    own lists every row of the related table). For a related model without a scope
    (e.g. a team) it offers the values present in the user's (scoped) changelist."""

    def field_choices(self, field, request, model_admin):
        queryset = self.choice_queryset(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]

    def choice_queryset(self, field, request, model_admin):
        related = field.related_model._default_manager.all()
        if hasattr(related, "visible_to"):
            return related.visible_to(request.user)
        present = model_admin.get_queryset(request).values(f"{self.field_path}__pk")
        return related.filter(pk__in=present)


class ScopedImportExportMixin:
    """django-import-export on a scoped admin. Its resources ignore the admin's queryset,
    its permission checks default to "anyone with admin access", its confirm step commits
    the valid rows of a file with errors, and it trusts the posted name of the pending
    file. Each is closed here; the resource receives `user` and scopes itself."""

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def has_import_permission(self, request):
        # Import creates and updates rows: it needs both.
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_valid_export_item_pks(self, request):
        # Rows ticked in the list and exported through the action: only those in scope.
        return self.get_queryset(request).values_list("pk", flat=True)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        # Whole file or nothing, also at the confirm step.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            # Only the user who previewed a file may confirm it.
            pending = request.session.get(PENDING_IMPORTS_SESSION_KEY, [])
            request.session[PENDING_IMPORTS_SESSION_KEY] = [
                *pending[-9:],
                initial["import_file_name"],
            ]
        return initial

    def import_action(self, request, **kwargs):
        self._remove_stale_pending_files()
        response = super().import_action(request, **kwargs)
        upload = request.FILES.get("import_file")
        context = getattr(response, "context_data", None) or {}
        stored = getattr(upload, "tmp_storage_name", None)
        if stored and "confirm_form" not in context:
            # Previewed with errors: nothing will be confirmed, drop the stored copy.
            self._tmp_storage(stored).remove()
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetRefused):
            # A hostile or oversized file: say exactly why, on the form.
            form.add_error("import_file", e.messages)
            return
        form.add_error(
            "import_file",
            "Berkas tidak dapat dibaca. Pastikan format berkas sesuai (.xlsx atau .csv) "
            "dan berkasnya tidak rusak.",
        )

    def process_import(self, request, **kwargs):
        self.pending_import_name(request)
        return super().process_import(request, **kwargs)

    def pending_import_name(self, request, name=None):
        """The pending file's name, if this session previewed it (a forged, foreign or
        already confirmed name is refused)."""
        if name is None:
            name = request.POST.get("import_file_name", "")
        if not name or name not in request.session.get(PENDING_IMPORTS_SESSION_KEY, []):
            raise PermissionDenied(
                "Pratinjau impor ini tidak berlaku untuk Anda: sudah dikonfirmasi, atau bukan "
                "dari sesi Anda. Tidak ada yang disimpan; unggah berkasnya lagi dari halaman "
                "Impor bila perlu."
            )
        return name

    def forget_pending_import(self, request, name):
        pending = request.session.get(PENDING_IMPORTS_SESSION_KEY, [])
        request.session[PENDING_IMPORTS_SESSION_KEY] = [n for n in pending if n != name]

    def process_result(self, result, request):
        self.forget_pending_import(request, request.POST.get("import_file_name", ""))
        if result.has_errors() or result.has_validation_errors():
            # Rolled back (the data changed since the preview): show why, claim nothing.
            return self.import_cancelled(request, result=result)
        return super().process_result(result, request)

    def import_cancelled(self, request, *, result=None, reason=""):
        """The import page saying nothing was saved, and why."""
        context = self.admin_site.each_context(request)
        context.update(
            self.get_import_context_data(),
            title="Impor dibatalkan",
            opts=self.model._meta,
            result=result,
            cancelled_reason=reason,
            form=self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            ),
            import_error_display=self.import_error_display,
        )
        messages.error(request, "Impor dibatalkan: tidak ada data yang disimpan.")
        return TemplateResponse(request, [self.import_template_name], context)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            f"Impor selesai: {totals[RowResult.IMPORT_TYPE_NEW]} baru, "
            f"{totals[RowResult.IMPORT_TYPE_UPDATE]} diubah, "
            f"{totals[RowResult.IMPORT_TYPE_SKIP]} tidak berubah.",
        )

    def get_export_filename(self, request, queryset, file_format):
        return super().get_export_filename(request, queryset, file_format).lower()

    def _tmp_storage(self, name):
        return self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())

    def _remove_stale_pending_files(self):
        storage = self._tmp_storage("")
        folder = getattr(storage, "MEDIA_FOLDER", None)
        backend = getattr(storage, "_storage", None)
        if folder is None or backend is None or not backend.exists(folder):
            return
        cutoff = timezone.now() - PENDING_IMPORT_LIFETIME
        for name in backend.listdir(folder)[1]:
            path = f"{folder}/{name}"
            if backend.get_modified_time(path) < cutoff:
                backend.delete(path)
