"""Admin for indicator sets and their indicators (Admin DPMPPA only, see roles.py).

A set in use is frozen (models.IndicatorSet.ensure_editable: a cycle on it is past Usulan,
or any score exists). Then the set's page, its indicators inline and each indicator's own
page open read-only with the reason, and a POST changes nothing. The model holds the same
rule on every other path; this module only turns it into pages and messages. Changes go
into a copy: the action and the button "Salin set indikator" (indicators.copy_indicator_set).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from assessments.admin_common import LabelledInlineFormSet, message_errors
from assessments.indicators import copy_indicator_set, default_copy_name
from assessments.models import Indicator, IndicatorSet, Score

NO_SAVE_BUTTONS = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
}


def frozen_reason(indicator_set):
    return indicator_set.frozen_reason() if indicator_set is not None else ""


class CopySetForm(forms.Form):
    name = forms.CharField(label="Nama set baru", max_length=200)
    legal_basis = forms.CharField(label="Dasar hukum", max_length=200, required=False)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    formset = LabelledInlineFormSet
    fields = ["order", "code", "pillar", "text"]
    extra = 0
    verbose_name = "indikator"
    verbose_name_plural = "indikator dalam set ini"

    def _editable(self, obj):
        return obj is None or not frozen_reason(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_basis", "indicator_count", "cycle_count", "frozen"]
    search_fields = ["name", "legal_basis"]
    list_filter = []
    list_select_related = []
    inlines = [IndicatorInline]
    actions = ["copy_selected"]
    change_form_template = "admin/assessments/indicatorset/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_indicators=Count("indicators", distinct=True),
                n_cycles=Count("cycles", distinct=True),
            )
            .annotate_frozen()
        )

    @admin.display(description="indikator", ordering="n_indicators")
    def indicator_count(self, obj):
        return obj.n_indicators

    @admin.display(description="periode", ordering="n_cycles")
    def cycle_count(self, obj):
        return obj.n_cycles

    @admin.display(description="terkunci (sudah dipakai)", boolean=True, ordering="is_frozen")
    def frozen(self, obj):
        return obj.is_frozen

    def get_readonly_fields(self, request, obj=None):
        return IndicatorSet.PROTECTED_FIELDS if frozen_reason(obj) else []

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        reason = frozen_reason(obj)
        extra_context = {**(extra_context or {}), "frozen_reason": reason}
        if reason:
            if request.method == "POST":
                messages.error(request, f"Set indikator tidak diubah. {reason}")
                return redirect("admin:assessments_indicatorset_change", obj.pk)
            extra_context.update(NO_SAVE_BUTTONS)
        return super().change_view(request, object_id, form_url, extra_context)

    # --- "Salin set indikator" -----------------------------------------------------------

    @admin.action(description="Salin set indikator", permissions=["add"])
    def copy_selected(self, request, queryset):
        try:
            copies = [copy_indicator_set(s, by=request.user) for s in queryset.order_by("pk")]
        except (ValidationError, PermissionDenied) as error:
            message_errors(request, error)
            return
        names = ", ".join(f"“{c.name}”" for c in copies)
        messages.success(request, f"Set indikator disalin: {names}. Salinan dapat diubah.")

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/salin/",
                self.admin_site.admin_view(self.copy_view),
                name="assessments_indicatorset_copy",
            )
        ]
        return urls + super().get_urls()

    def copy_view(self, request, pk):
        source = get_object_or_404(IndicatorSet, pk=pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"name": default_copy_name(source), "legal_basis": source.legal_basis}
        form = CopySetForm(request.POST if request.method == "POST" else None, initial=initial)
        if form.is_valid():
            try:
                copy = copy_indicator_set(source, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("name", message)
            else:
                messages.success(
                    request,
                    f"Set indikator “{copy.name}” dibuat dari “{source.name}” dengan "
                    f"{copy.indicators.count()} indikator; set ini dapat diubah.",
                )
                return redirect("admin:assessments_indicatorset_change", copy.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Salin set indikator “{source.name}”",
            "source": source,
            "form": form,
        }
        return TemplateResponse(request, "admin/assessments/indicatorset/copy.html", context)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "pillar", "short_text", "indicator_set", "is_used"]
    list_filter = ["indicator_set", "pillar"]
    search_fields = ["code", "text"]
    list_select_related = ["indicator_set"]
    fields = ["indicator_set", *Indicator.CONTENT_FIELDS]
    READ_ONLY_FIELDS = ["set_name", *Indicator.CONTENT_FIELDS]

    def get_queryset(self, request):
        used = Score.objects.filter(indicator=OuterRef("pk"))
        return super().get_queryset(request).annotate(used=Exists(used))

    @admin.display(description="bunyi indikator")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:87] + "…"

    @admin.display(description="sudah dipakai menilai", boolean=True, ordering="used")
    def is_used(self, obj):
        return obj.used

    @admin.display(description="set indikator")
    def set_name(self, obj):
        return obj.indicator_set.name

    def _frozen(self, obj):
        return frozen_reason(obj.indicator_set) if obj is not None else ""

    def get_fields(self, request, obj=None):
        return self.READ_ONLY_FIELDS if self._frozen(obj) else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.READ_ONLY_FIELDS if self._frozen(obj) else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "indicator_set" in form.base_fields:
            form.base_fields["indicator_set"].label = "Set indikator"
        return form

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not self._frozen(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        reason = self._frozen(obj)
        if reason:
            if request.method == "POST":
                messages.error(request, f"Indikator {obj.code} tidak diubah. {reason}")
                return redirect("admin:assessments_indicator_change", obj.pk)
            messages.warning(request, f"Indikator ini tidak dapat diubah atau dihapus. {reason}")
            extra_context = {**(extra_context or {}), **NO_SAVE_BUTTONS}
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        reason = self._frozen(obj)
        if reason:
            messages.error(request, f"Indikator {obj.code} tidak dapat dihapus. {reason}")
            return redirect("admin:assessments_indicator_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        # Bulk delete would list protected scores; one by one says why.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
