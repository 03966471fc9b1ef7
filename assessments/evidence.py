"""Evidence from the visit: photos per indicator, checked and stored with the sheet.

A photo is read by its content, never by its name or declared type: Pillow must decode
it as JPEG, PNG or WebP within the size limits. It is then re-encoded as JPEG (at most
MAX_SIDE px on the long side), which drops EXIF (GPS, camera) and anything hidden after
the image; the stored bytes' SHA-256 is kept. Photos travel in the same request as the
sheet they belong to and are written in the same transaction (scoring._write_sheet_locked),
so the server never holds a sent sheet without its photos; a photo already on the sheet
(same SHA-256: a replay, a double tap) is not stored again.

Files and rows go together: a file is written before its row, inside the transaction,
and `files_undone_on_error` deletes the files a rolled-back write stored (a refusal, a
conflict, a retry after a concurrent write), so no stored file is left without its row;
a row removed from a reopened sheet loses its file after the commit, unless another row
(the sent version it was copied from) still names it (`remove_photos`). What a crash
between file and commit could still leave behind, manage.py check_stored_files names
(stored_files.integrity.orphan_files)."""

import contextlib
import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from assessments.models import EvidencePhoto

MAX_PHOTOS_PER_INDICATOR = 3
MAX_PHOTOS_PER_SHEET = 30
MAX_PHOTO_BYTES = 2 * 1024 * 1024  # one photo as uploaded (the tablet makes it smaller)
MAX_PHOTO_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MAX_SIDE = 1600
JPEG_QUALITY = 82
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, re-encoded and ready to store on a sheet."""

    indicator_id: int
    content: bytes
    sha256: str
    width: int
    height: int
    taken_at: object = None  # aware datetime or None


def prepare_photo(upload, *, indicator_id, label, taken_at=None):
    """Check one uploaded file and re-encode it; `label` names it in messages
    ("Foto 2 indikator B1"). Raises ValidationError (code photo_invalid/photo_too_large)."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            f"{label} lebih besar dari {MAX_PHOTO_BYTES // (1024 * 1024)} MB. Hapus foto itu "
            "lalu ambil lagi; lembar lain tetap tersimpan di perangkat ini.",
            code="photo_too_large",
        )
    not_a_photo = ValidationError(
        f"{label} bukan foto JPEG, PNG atau WebP yang dapat dibaca. Hapus foto itu lalu "
        "ambil lagi dengan kamera.",
        code="photo_invalid",
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise not_a_photo
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise not_a_photo
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)  # keep it upright once EXIF is gone
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise not_a_photo from None
    content = buffer.getvalue()
    return PreparedPhoto(
        indicator_id=indicator_id,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        width=image.width,
        height=image.height,
        taken_at=taken_at,
    )


def photo_storage():
    return EvidencePhoto._meta.get_field("file").storage


@contextlib.contextmanager
def files_undone_on_error():
    """Yield a list for the names of the photo files stored inside the block; when the
    block raises (its transaction rolled back), those files are deleted again. Wrap the
    outermost atomic block of the write: an inner one's rollback is not the last word."""
    written = []
    try:
        yield written
    except BaseException:
        storage = photo_storage()
        for name in written:
            storage.delete(name)
        raise


def attach_photos(sheet, photos, *, indicators, written):
    """Store `photos` (PreparedPhoto) on `sheet` within the caller's transaction, after
    checking the counts with the photos it already holds. `indicators`: id -> Indicator;
    `written`: the list of files_undone_on_error(), each stored file's name is added."""
    existing = list(sheet.photos.values_list("indicator_id", "sha256"))
    known = {sha for _, sha in existing}
    new = []
    for photo in photos:
        if photo.sha256 not in known:
            known.add(photo.sha256)
            new.append(photo)
    per_indicator = {}
    for indicator_id, _ in existing:
        per_indicator[indicator_id] = per_indicator.get(indicator_id, 0) + 1
    for photo in new:
        per_indicator[photo.indicator_id] = per_indicator.get(photo.indicator_id, 0) + 1
    errors = []
    for indicator_id, count in per_indicator.items():
        if indicator_id not in indicators:
            errors.append(
                ValidationError(
                    f"Foto untuk indikator yang tidak dikenal ({indicator_id}).",
                    code="unknown_indicator",
                )
            )
        elif count > MAX_PHOTOS_PER_INDICATOR:
            errors.append(
                ValidationError(
                    f"Indikator {indicators[indicator_id].code} berisi {count} foto; paling "
                    f"banyak {MAX_PHOTOS_PER_INDICATOR} foto per indikator. Hapus foto yang "
                    "berlebih lalu kirim lagi.",
                    code="too_many_photos",
                )
            )
    total = sum(per_indicator.values())
    if total > MAX_PHOTOS_PER_SHEET:
        errors.append(
            ValidationError(
                f"Lembar ini berisi {total} foto; paling banyak {MAX_PHOTOS_PER_SHEET} foto "
                "per lembar. Hapus foto yang berlebih lalu kirim lagi.",
                code="too_many_photos",
            )
        )
    if errors:
        raise ValidationError(errors)
    for photo in new:
        record = EvidencePhoto(
            assessment=sheet,
            indicator_id=photo.indicator_id,
            sha256=photo.sha256,
            size=len(photo.content),
            width=photo.width,
            height=photo.height,
            taken_at=photo.taken_at,
        )
        record.file.save(f"{photo.sha256}.jpg", ContentFile(photo.content), save=False)
        written.append(record.file.name)
        record.save()


def remove_photos(sheet, photo_ids):
    """Take the photos `photo_ids` off `sheet` (a reopened draft being sent), within the
    caller's transaction; their files are deleted after the commit unless another row
    still names them. An id that is not a photo of this very sheet is refused."""
    wanted = set(photo_ids)
    if not wanted:
        return
    found = {p.pk: p.file.name for p in sheet.photos.filter(pk__in=wanted)}
    if set(found) != wanted:
        raise ValidationError(
            "Foto yang akan dihapus tidak ada pada lembar ini. Muat ulang halaman lalu "
            "coba lagi; jawaban Anda tetap tersimpan di perangkat ini.",
            code="unknown_photo",
        )
    sheet.photos.filter(pk__in=wanted).delete()
    names = set(found.values())

    def delete_unused_files():
        still_named = set(
            EvidencePhoto.objects.filter(file__in=names).values_list("file", flat=True)
        )
        storage = photo_storage()
        for name in names - still_named:
            storage.delete(name)

    transaction.on_commit(delete_unused_files)


def copy_photos(source, target):
    """The reopened version keeps the sent version's photos (the same stored files)."""
    EvidencePhoto.objects.bulk_create(
        EvidencePhoto(
            assessment=target,
            indicator_id=p.indicator_id,
            file=p.file.name,
            sha256=p.sha256,
            size=p.size,
            width=p.width,
            height=p.height,
            taken_at=p.taken_at,
            uploaded_at=p.uploaded_at,
        )
        for p in source.photos.all()
    )
