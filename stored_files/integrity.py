"""The stored PDFs (decrees, certificates, background documents such as the Berita Acara)
against the SHA-256 recorded when each was stored.

Rule: a file is OK only when it exists and hashes to its recorded SHA-256; a record
without a recorded SHA-256 has nothing to check. Files are hashed in chunks (memory stays
bounded whatever their size). Models are named by label, so this leaf app imports no
app module and any app may import it.
"""

import hashlib

from django.apps import apps
from django.core.exceptions import ValidationError

OK = "OK"
MISSING = "MISSING"
CHANGED = "CHANGED"

STATE_LABELS = {OK: "utuh", MISSING: "HILANG", CHANGED: "BERUBAH"}

MISSING_MESSAGE = (
    "Berkas tersimpan tidak ditemukan di server. Hubungi admin TI untuk memulihkan dari cadangan."
)

# Every FileField whose SHA-256 is recorded beside it: (model label, file field, SHA field,
# what the file is, in Indonesian). A new stored document adds one line here.
STORED_FILE_FIELDS = [
    ("awards.Decree", "pdf", "pdf_sha256", "SK Wali Kota"),
    ("awards.Award", "certificate_pdf", "certificate_sha256", "Piagam"),
    ("documents.DocumentJob", "file", "sha256", "Dokumen latar"),
    ("assessments.EvidencePhoto", "file", "sha256", "Foto bukti penilaian"),
]

# Folders of stored files whose every file a row names: (model label, file field, folder,
# what the files are). A file there that no row names is an orphan.
ROW_PER_FILE_FOLDERS = [
    ("assessments.EvidencePhoto", "file", "bukti", "Foto bukti penilaian"),
]

CHUNK_SIZE = 64 * 1024


class StoredFileMissing(ValidationError):
    """A record names a stored file that is not on the server (lost, not restored)."""

    def __init__(self):
        super().__init__(MISSING_MESSAGE, code="stored_file_missing")


def file_sha256(fieldfile):
    """SHA-256 of a stored file, read in chunks; raises FileNotFoundError when absent."""
    digest = hashlib.sha256()
    with fieldfile.storage.open(fieldfile.name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored_file_state(fieldfile, recorded_sha256):
    """OK, MISSING or CHANGED; None when no SHA-256 was recorded (nothing to compare).
    A recorded SHA-256 with an empty file field counts as missing: a file was stored."""
    if not recorded_sha256:
        return None
    if not fieldfile or not fieldfile.storage.exists(fieldfile.name):
        return MISSING
    try:
        actual = file_sha256(fieldfile)
    except FileNotFoundError:  # removed between the two calls
        return MISSING
    return OK if actual == recorded_sha256 else CHANGED


def read_stored_file(fieldfile):
    """The stored file's bytes; StoredFileMissing (with the Indonesian message) if absent."""
    if not fieldfile:
        raise StoredFileMissing()
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        raise StoredFileMissing() from None


def open_stored_file(fieldfile):
    """The stored file opened for streaming; StoredFileMissing if absent."""
    if not fieldfile:
        raise StoredFileMissing()
    try:
        return fieldfile.storage.open(fieldfile.name, "rb")
    except FileNotFoundError:
        raise StoredFileMissing() from None


def check_all_stored_files():
    """Yield (description, record, file name, state) for every record with a recorded
    SHA-256; rows are streamed from the database, files hashed one at a time."""
    for label, file_field, sha_field, description in STORED_FILE_FIELDS:
        model = apps.get_model(label)
        rows = (
            model.objects.exclude(**{sha_field: ""})
            .only("pk", file_field, sha_field)
            .order_by("pk")
            .iterator(chunk_size=500)
        )
        for row in rows:
            fieldfile = getattr(row, file_field)
            state = stored_file_state(fieldfile, getattr(row, sha_field))
            yield description, row, fieldfile.name or "", state


def orphan_files():
    """Yield (description, storage, name) for each file in ROW_PER_FILE_FOLDERS that no
    row names (a crash between writing the file and committing its row)."""
    for label, file_field, folder, description in ROW_PER_FILE_FOLDERS:
        model = apps.get_model(label)
        storage = model._meta.get_field(file_field).storage
        named = set(model.objects.values_list(file_field, flat=True))
        pending = [folder]
        while pending:
            current = pending.pop()
            try:
                folders, files = storage.listdir(current)
            except FileNotFoundError:
                continue
            pending.extend(f"{current}/{name}" for name in sorted(folders))
            for name in sorted(files):
                if f"{current}/{name}" not in named:
                    yield description, storage, f"{current}/{name}"
