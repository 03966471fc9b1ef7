"""Row scope for the admin: one mixin, every path through `visible_to(user)`.

Django's admin leaks rows by default in places people forget: foreign-key choices (and
the ids a POST may carry), autocomplete, related list filters, object URLs and imports.
Each is closed here on the server, not in the template."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404


def scoped(model, user):
    """`model.objects.visible_to(user)` where the model is scoped, else all rows."""
    queryset = model._default_manager.all()
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    return queryset


class ScopedAdminMixin:
    def get_queryset(self, request):
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
        # Last line of defence: what was saved must still lie in the user's scope.
        if not self.in_scope(request, obj):
            raise PermissionDenied("Data di luar wilayah Anda tidak dapat disimpan.")


def scoped_queryset(queryset, user):
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    return queryset


class ScopedRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """Related filter listing only values present in the (scoped) changelist."""
