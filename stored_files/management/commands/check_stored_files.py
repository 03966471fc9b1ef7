"""manage.py check_stored_files: re-hash every stored PDF against its recorded SHA-256.

Lists each missing or changed file, then a summary, in Indonesian. Exit code 0 when every
file is intact, 1 when any is missing or changed (usable from cron, systemd or CI).
Run it after every restore (README, "Backup and restore").

It also names the evidence photo files no row holds ("TANPA CATATAN": a crash between
writing a file and committing its row; a rolled-back write deletes its own files).
They lose nothing, so they do not fail the check; `--delete-orphans` deletes those older
than an hour (a younger one may belong to a write still in progress).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stored_files.integrity import (
    CHANGED,
    MISSING,
    STATE_LABELS,
    check_all_stored_files,
    orphan_files,
)


class Command(BaseCommand):
    help = "Memeriksa ulang SHA-256 setiap berkas PDF tersimpan (SK, piagam, dokumen)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Hapus berkas foto bukti tanpa catatan yang lebih tua dari satu jam.",
        )

    def handle(self, *args, **options):
        self.check_orphans(delete=options["delete_orphans"])
        counts = {"OK": 0, MISSING: 0, CHANGED: 0}
        for description, record, name, state in check_all_stored_files():
            counts[state] += 1
            if state != "OK":
                self.stdout.write(
                    f"{STATE_LABELS[state]}: {description} (id {record.pk}) "
                    f"{name or '(nama berkas kosong)'}"
                )
        checked = sum(counts.values())
        summary = (
            f"Diperiksa {checked} berkas: {counts['OK']} utuh, "
            f"{counts[MISSING]} hilang, {counts[CHANGED]} berubah."
        )
        if counts[MISSING] or counts[CHANGED]:
            raise CommandError(
                f"{summary} Pulihkan berkas dari cadangan (README, 'Backup and restore'), "
                "lalu jalankan perintah ini lagi."
            )
        self.stdout.write(self.style.SUCCESS(f"{summary} Semua berkas tersimpan utuh."))

    def check_orphans(self, *, delete):
        settled = timezone.now() - datetime.timedelta(hours=1)
        found = deleted = 0
        for description, storage, name in orphan_files():
            found += 1
            self.stdout.write(f"TANPA CATATAN: {name} ({description} tanpa baris di basis data)")
            if delete and storage.get_modified_time(name) < settled:
                storage.delete(name)
                deleted += 1
        if found:
            self.stdout.write(
                f"{found} berkas foto tanpa catatan"
                + (f", {deleted} dihapus." if delete else "; hapus dengan --delete-orphans.")
            )
