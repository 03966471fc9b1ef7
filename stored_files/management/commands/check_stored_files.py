"""manage.py check_stored_files: re-hash every stored PDF against its recorded SHA-256.

Lists each missing or changed file, then a summary, in Indonesian. Exit code 0 when every
file is intact, 1 when any is missing or changed (usable from cron, systemd or CI).
Run it after every restore (README, "Backup and restore").
"""

from django.core.management.base import BaseCommand, CommandError

from stored_files.integrity import CHANGED, MISSING, STATE_LABELS, check_all_stored_files


class Command(BaseCommand):
    help = "Memeriksa ulang SHA-256 setiap berkas PDF tersimpan (SK, piagam, dokumen)."

    def handle(self, *args, **options):
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
