"""The decree's renderers for the background worker (documents/jobs.py RENDERERS) and the
links its progress page offers. Subject "decree:<pk>".

- kind "decree": a preview of a draft, or the stored copy of a final decree;
- kind "decree-final": runs issuing.finalise_decree and offers the stored final PDF."""

from django.urls import reverse

from awards.issuing import decree_lampiran, finalise_decree
from awards.models import Decree
from awards.pdf import decree_filename, render_decree_pdf
from documents.jobs import job_progress
from stored_files.integrity import read_stored_file


def _decree_from_subject(job):
    kind, _, pk = job.subject.partition(":")
    if kind != "decree" or not pk.isdigit():
        raise ValueError(f"Subjek tidak dikenal: {job.subject}")
    return Decree.objects.select_related("cycle").get(pk=int(pk))


def render_decree_job(job):
    """Worker renderer, kind "decree": a final decree gives its stored copy (never a new
    render, so the file matches its recorded SHA-256); a draft gives a preview."""
    decree = _decree_from_subject(job)
    job_progress(job, 0, 1)
    if decree.status != Decree.Status.DRAFT and decree.pdf:
        data = read_stored_file(decree.pdf)  # StoredFileMissing: the job shows why
    else:
        data = render_decree_pdf(decree, lampiran=decree_lampiran(decree), final=False)
    job_progress(job, 1, 1)
    return decree_filename(decree), data


def finalise_decree_job(job):
    """Worker renderer, kind "decree-final": runs finalise_decree and offers the stored
    final PDF. A refusal (ValidationError) is shown on the progress page."""
    decree = _decree_from_subject(job)
    job_progress(job, 0, 1)
    decree = finalise_decree(decree, by=job.requested_by)
    data = read_stored_file(decree.pdf)
    job_progress(job, 1, 1)
    return decree_filename(decree), data


def job_links(job):
    """The progress page's links: back to the decree, then finalising (a draft) or the
    next steps after a final SK (certificates, payments)."""
    kind, _, pk = job.subject.partition(":")
    decree = Decree.objects.filter(pk=pk).first() if kind == "decree" and pk.isdigit() else None
    if decree is None:
        return []
    links = [("Kembali ke SK", reverse("admin:awards_decree_change", args=[decree.pk]))]
    if decree.status == Decree.Status.DRAFT:
        links.append(
            ("Lanjut: finalkan SK", reverse("admin:awards_decree_finalise", args=[decree.pk]))
        )
    else:
        links += [
            ("Lanjut: buat piagam", reverse("awards:certificate-list", args=[decree.cycle_id])),
            (
                "Unduh daftar pembayaran (xlsx)",
                reverse("awards:payments-xlsx", args=[decree.cycle_id]),
            ),
        ]
    return links
