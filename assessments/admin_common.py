"""Admin pieces shared by the assessments and awards admin modules (the read-only and
cycle-lock permission mixins, read-only history), and the "Usulkan RT terpilih" action
that rt_registry/admin.py adds to the RT changelist. Imports no admin module, so the
registry admin can import it without a cycle."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from assessments import proposals as flow
from assessments.forms import ChooseCycleForm


class ReadOnlyAdminMixin:
    """For records that only a workflow writes (decisions, sheets, awards on an RT's
    page): the admin shows them and never adds, changes or deletes one. Fits a ModelAdmin
    and an inline alike (an inline passes the parent object as `obj`)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CycleLockAdminMixin:
    """Nothing of a locked cycle (final SK) changes: its rows open view-only, with no Save
    or Delete that would report a change that cannot happen. `locked_cycle(obj)` names the
    cycle; on an inline `obj` is the parent (a team, a meeting), so adding rows is refused
    there too."""

    def locked_cycle(self, obj):
        return obj.cycle

    def _cycle_locked(self, obj):
        return obj is not None and self.locked_cycle(obj).is_locked

    def has_add_permission(self, request, *obj):
        # A ModelAdmin is asked without an object (nothing to lock yet), an inline with its
        # parent: pass on what we were given.
        allowed = super().has_add_permission(request, *obj)
        return allowed and not (obj and self._cycle_locked(obj[0]))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._cycle_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._cycle_locked(obj)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History is for reading: a revert would bypass the workflow functions."""

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        # Whole values: simple-history shortens long ones to "abc[40 chars]xyz", which
        # hides exactly what an officer opened the history to read (a reason, a name).
        return HistoricalRecordContextHelper(
            self.model, historical_record, max_displayed_delta_change_chars=1_000_000
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Riwayat tidak dapat dikembalikan dari sini.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class LabelledInlineFormSet(BaseInlineFormSet):
    """For tabular inlines: their labels are column headers that a screen reader does not
    tie to each row's fields, so every field (and the «Hapus» box) carries its label as
    aria-label (axe: "label", "select-name")."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            # The admin wraps foreign keys (RelatedFieldWidgetWrapper); the wrapper's attrs
            # are not the ones its inner widget renders.
            widget = getattr(field.widget, "widget", field.widget)
            if field.label:
                widget.attrs.setdefault("aria-label", str(field.label))


def error_messages(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def message_errors(request, error):
    for message in error_messages(error):
        messages.error(request, message)


def action_page(modeladmin, request, queryset, *, template, title, form, action):
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


# --- The action on the RT changelist ("Usulkan RT terpilih") ------------------------------


@admin.action(description="Usulkan RT terpilih")
def propose_selected_rts(modeladmin, request, queryset):
    """Added to RTAdmin.actions (rt_registry/admin.py). Proposes the selected RTs in the
    cycle in Usulan (asks which one when several are open), all or none."""
    if not request.user.has_perm("assessments.add_proposal"):
        messages.error(request, "Anda tidak berhak mengusulkan RT.")
        return None
    open_cycles = flow.proposing_cycles()
    if not open_cycles.exists():
        messages.error(request, "Tidak ada periode lomba yang sedang di tahap Usulan.")
        return None
    form = ChooseCycleForm(request.POST if "apply" in request.POST else None)
    if open_cycles.count() == 1 and not form.is_bound:
        cycle = open_cycles.get()
    elif form.is_bound and form.is_valid():
        cycle = form.cleaned_data["cycle"]
    else:
        return action_page(
            modeladmin,
            request,
            queryset,
            template="admin/assessments/propose_rts.html",
            title="Usulkan RT terpilih",
            form=form,
            action="propose_selected_rts",
        )
    try:
        created = flow.propose_rts(cycle=cycle, rts=list(queryset), by=request.user)
    except (ValidationError, PermissionDenied) as error:
        message_errors(request, error)
        messages.warning(request, "Tidak ada RT yang diusulkan; perbaiki pilihan lalu ulangi.")
        return None
    messages.success(
        request,
        format_html(
            '{} RT diusulkan pada periode {}. <a href="{}">Lihat daftar usulan</a>.',
            len(created),
            cycle,
            reverse("admin:assessments_proposal_changelist") + f"?cycle__id__exact={cycle.pk}",
        ),
    )
    return None
