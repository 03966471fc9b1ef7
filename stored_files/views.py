"""Download responses for stored files (PDFs, evidence photos). A stored file that is gone
answers 410 with a page that says so (and is logged), never a server error."""

import logging

from django.http import FileResponse
from django.shortcuts import render

from stored_files.integrity import MISSING_MESSAGE, StoredFileMissing, open_stored_file

logger = logging.getLogger(__name__)


def stored_file_missing(request, *, name=""):
    logger.error("Stored file missing on the server: %r (%s)", name, request.path)
    return render(request, "stored_files/missing.html", {"message": MISSING_MESSAGE}, status=410)


def stored_file_download(
    request, fieldfile, *, filename, content_type="application/pdf", as_attachment=True
):
    """The stored file (a PDF as an attachment unless told otherwise), or the missing-file
    page. The caller has checked the user's scope: MEDIA is never served directly."""
    try:
        handle = open_stored_file(fieldfile)
    except StoredFileMissing:
        return stored_file_missing(request, name=fieldfile.name or "")
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
