"""Admin: the read-only list of background documents ("Pembuatan dokumen"), for Admin
DPMPPA; the file leaves only through the scoped download view."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from documents.models import DocumentJob


@admin.register(DocumentJob)
class DocumentJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "status", "progress", "total", "requested_by", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["subject", "sha256"]
    list_select_related = ["requested_by"]
    readonly_fields = [
        "kind",
        "subject",
        "status",
        "progress",
        "total",
        "file_link",
        "sha256",
        "error",
        "requested_by",
        "created_at",
        "finished_at",
        "progress_page",
    ]
    fields = readonly_fields

    # The admin would link the stored file under /media/, which nothing serves: the PDF
    # leaves only through the scoped download view.
    @admin.display(description="berkas")
    def file_link(self, obj):
        if not obj.file:
            return "–"
        url = reverse("documents:download", args=[obj.pk])
        return format_html('<a href="{}">Unduh PDF</a>', url)

    @admin.display(description="halaman kemajuan")
    def progress_page(self, obj):
        return format_html('<a href="{}">Buka</a>', reverse("documents:job", args=[obj.pk]))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
