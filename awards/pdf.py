"""The decree (SK Wali Kota) as HTML and PDF.

`render_decree_html(decree)` is the document; `render_decree_pdf(decree)` renders it with
WeasyPrint through assessments.pdf.html_to_pdf (only files under static/ are read). The
final copy is PDF/A-3b. Anything longer than a page renders on the background worker:
the admin starts a DocumentJob of kind "decree" (a preview, or the stored final copy) or
"decree-final" (finalise_decree); see assessments/jobs.py."""

import re
import string

from django.template.loader import render_to_string
from django.utils import timezone

from assessments.jobs import job_progress
from assessments.pdf import PDF_AUTHOR, html_to_pdf
from awards.identity import print_identity
from awards.issuing import DICTUM_LABELS, finalise_decree, lampiran_data
from awards.models import Decree
from awards.qr import qr_svg, verification_url
from stored_files.integrity import read_stored_file

PDF_A = "pdf/a-3b"

# The lampiran's last rows print on the page of its total and signature (decree.css,
# tr.keep): a signature never stands alone on a page.
ROWS_KEPT_WITH_TOTAL = 2

# What officers type before an item out of habit; the template numbers items itself.
_LETTER = re.compile(r"^\s*[a-z]\.\s+")
_NUMBER = re.compile(r"^\s*\d+\.\s+")
_DICTUM = re.compile(r"^\s*(" + "|".join(DICTUM_LABELS) + r")\s*:\s*", re.IGNORECASE)


def lines(text, *, prefix=None):
    items = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if prefix is not None:
        items = [prefix.sub("", item, count=1) for item in items]
    return items


def dictum_label(index):
    if index < len(DICTUM_LABELS):
        return DICTUM_LABELS[index]
    return f"KE-{index + 1}"


def decree_context(decree, *, final=False):
    cycle = decree.cycle
    code_url = verification_url(decree.verification_code)
    lampiran = lampiran_data(cycle) if decree.correction != Decree.Correction.MENCABUT else None
    if lampiran is not None:
        lampiran["keep_from"] = lampiran["count"] - ROWS_KEPT_WITH_TOTAL
    return {
        "decree": decree,
        "cycle": cycle,
        "final": final,
        "f4": decree.paper_size == Decree.PaperSize.F4,
        "number": decree.number_in_title(),
        "number_text": decree.number_in_text(),
        "menimbang": [
            (string.ascii_lowercase[i % 26], text)
            for i, text in enumerate(lines(decree.menimbang, prefix=_LETTER))
        ],
        "mengingat": list(enumerate(lines(decree.mengingat, prefix=_NUMBER), start=1)),
        "memperhatikan": lines(decree.memperhatikan, prefix=_NUMBER),
        "dictums": [
            (dictum_label(i), text) for i, text in enumerate(lines(decree.dictums, prefix=_DICTUM))
        ],
        "tembusan": list(enumerate(lines(decree.tembusan, prefix=_NUMBER), start=1)),
        "lampiran": lampiran,
        "qr_svg": qr_svg(code_url, size="24mm"),
        "verification_url": code_url,
        "created": (decree.finalised_at or timezone.now()).isoformat(timespec="seconds"),
        "author": PDF_AUTHOR,
        **print_identity("garuda"),
    }


def render_decree_html(decree, *, final=None) -> str:
    """The decree as print HTML. `final` defaults to the decree's own status: a draft
    carries a DRAF mark on every page."""
    if final is None:
        final = decree.status != Decree.Status.DRAFT
    return render_to_string("pdf/decree.html", decree_context(decree, final=final))


def render_decree_pdf(decree, *, final=None) -> bytes:
    if final is None:
        final = decree.status != Decree.Status.DRAFT
    html = render_decree_html(decree, final=final)
    return html_to_pdf(html, pdf_variant=PDF_A if final else None)


def decree_filename(decree):
    number = re.sub(r"[^A-Za-z0-9]+", "-", decree.number).strip("-") or "draf"
    return f"SK-BANTAR-{decree.cycle.year}-{decree.cycle.period_roman}-{number}.pdf"


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
        data = render_decree_pdf(decree, final=False)
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
