"""Berita Acara Rapat (record of the decision meeting): HTML and PDF. Work in progress."""

from django.core.exceptions import ValidationError


def render_berita_acara_job(job):
    raise ValidationError("Berita Acara belum dapat dibuat (sedang dikembangkan).")
