"""RT import between preview and confirm: the rows checked at preview are kept beside the
pending file and written at confirm, so the spreadsheet is read and checked once.

The preview (RTResource, a dry run) records every valid row as a `CheckedRow`; the admin
stores them as JSON next to the pending upload in the import storage, under the name
that only the previewing session holds (admin_scope.ScopedImportExportMixin). Confirm
loads them (`load_checked`) and `apply_checked` writes them: the database as it is now
decides new, changed or unchanged, every kelurahan must still be in the user's scope
(else nothing is written), whole file or nothing, in a fixed number of queries plus the
write batches.
"""

import json
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from rt_registry.models import RT, Kelurahan

CHECKED_SUFFIX = ".rows.json"
WRITE_BATCH = 500


class PendingImportMissing(Exception):
    """The rows of the preview are gone (expired, already confirmed) or unreadable."""


class ImportRefused(Exception):
    """Confirm wrote nothing; the message says why, in Indonesian."""


@dataclass
class CheckedRow:
    line: int  # the spreadsheet's own row number
    kelurahan_id: int
    number: int
    ketua: str
    phone: str
    kk_count: int
    status: str  # at preview: "new", "update" or "skip"
    changes: list = field(default_factory=list)  # (label, old, new) at preview

    def as_list(self):
        # By hand: dataclasses.asdict() copies deeply and cost more than the write.
        fields = (self.line, self.kelurahan_id, self.number, self.ketua, self.phone)
        return [*fields, self.kk_count, self.status, self.changes]


@dataclass
class CheckedFile:
    rows: list
    has_ketua: bool  # a column left out of the file leaves that value as it is
    has_phone: bool

    def to_json(self):
        return json.dumps(
            {
                "has_ketua": self.has_ketua,
                "has_phone": self.has_phone,
                "rows": [row.as_list() for row in self.rows],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        return cls(
            rows=[CheckedRow(*values) for values in data["rows"]],
            has_ketua=bool(data["has_ketua"]),
            has_phone=bool(data["has_phone"]),
        )


@dataclass
class Applied:
    created: list
    updated: list
    unchanged: int


def save_checked(checked, *, storage, path):
    storage.save(path + CHECKED_SUFFIX, ContentFile(checked.to_json().encode("utf-8")))


def load_checked(*, storage, path):
    try:
        with storage.open(path + CHECKED_SUFFIX, "rb") as stored:
            return CheckedFile.from_json(stored.read().decode("utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise PendingImportMissing(
            "Pratinjau impor ini sudah tidak tersedia (kedaluwarsa setelah sehari, atau "
            "sudah dikonfirmasi). Unggah berkasnya lagi untuk pratinjau baru."
        ) from error


def remove_checked(*, storage, path):
    storage.delete(path + CHECKED_SUFFIX)


def apply_checked(checked, *, user):
    """Write the previewed rows as the database stands now; ImportRefused writes nothing."""
    ids = {row.kelurahan_id for row in checked.rows}
    kelurahan = Kelurahan.objects.visible_to(user).filter(pk__in=ids).in_bulk()
    outside = ids - kelurahan.keys()
    if outside:
        names = sorted(Kelurahan.objects.filter(pk__in=outside).values_list("name", flat=True))
        raise ImportRefused(
            f"Kelurahan {', '.join(names) or 'dalam berkas'} di luar wilayah Anda sekarang; "
            "tidak ada yang disimpan. Unggah lagi berkas yang hanya memuat RT di wilayah Anda."
        )
    try:
        with transaction.atomic():
            return _write(checked, kelurahan)
    except DatabaseError as error:
        # A row written meanwhile, a lock, a lost connection: all rolled back.
        raise ImportRefused(
            "Data tidak dapat disimpan ke basis data; tidak ada yang disimpan. "
            "Coba lagi sebentar lagi; bila berulang, hubungi Admin DPMPPA."
        ) from error


def _write(checked, kelurahan):
    existing = {
        (rt.kelurahan_id, rt.number): rt
        for rt in RT.objects.filter(kelurahan__in=kelurahan.keys()).order_by()
    }
    now = timezone.now()
    created, updated, unchanged = [], [], 0
    for row in checked.rows:
        rt = existing.get((row.kelurahan_id, row.number))
        if rt is None:
            rt = RT(kelurahan=kelurahan[row.kelurahan_id], number=row.number)
            created.append(rt)
        rt.kelurahan = kelurahan[row.kelurahan_id]  # for str(rt) in the admin log
        before = (rt.ketua_name, rt.phone, rt.kk_count)
        rt.kk_count = row.kk_count
        if checked.has_ketua:
            rt.ketua_name = row.ketua
        if checked.has_phone:
            rt.phone = row.phone
        if rt.pk is None:
            continue
        if (rt.ketua_name, rt.phone, rt.kk_count) == before:
            unchanged += 1
        else:
            rt.updated_at = now  # bulk_update() does not run auto_now
            updated.append(rt)
    RT.objects.bulk_create(created, batch_size=WRITE_BATCH)
    RT.objects.bulk_update(
        updated, ["ketua_name", "phone", "kk_count", "updated_at"], batch_size=WRITE_BATCH
    )
    return Applied(created=created, updated=updated, unchanged=unchanged)
