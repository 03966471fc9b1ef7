"""The decree (SK Wali Kota) as HTML and PDF: rendering only.

`render_decree_html(decree, lampiran=...)` is the document; `render_decree_pdf(decree,
lampiran=...)` renders it with WeasyPrint through documents.pdf.html_to_pdf (only files
under static/ are read). The final copy is PDF/A-3b. Both take the lampiran as data
(awards.issuing.decree_lampiran(decree) builds it) and import no workflow: the workflow
(issuing.finalise_decree) and the worker's renderers (awards/decree_jobs.py) call this
module, never the other way round."""

import re
import string

from django.template.loader import render_to_string
from django.utils import timezone

from awards.identity import print_identity
from awards.legal_text import DICTUM_LABELS
from awards.models import Decree
from awards.qr import qr_svg, verification_url
from documents.pdf import PDF_AUTHOR, html_to_pdf

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


def decree_context(decree, *, lampiran, final=False):
    """`lampiran`: issuing.lampiran_data's dict, or None for a decree without one."""
    cycle = decree.cycle
    code_url = verification_url(decree.verification_code)
    if lampiran is not None:
        lampiran = {**lampiran, "keep_from": lampiran["count"] - ROWS_KEPT_WITH_TOTAL}
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


def render_decree_html(decree, *, lampiran, final=None) -> str:
    """The decree as print HTML. `final` defaults to the decree's own status: a draft
    carries a DRAF mark on every page."""
    if final is None:
        final = decree.status != Decree.Status.DRAFT
    context = decree_context(decree, lampiran=lampiran, final=final)
    return render_to_string("pdf/decree.html", context)


def render_decree_pdf(decree, *, lampiran, final=None) -> bytes:
    if final is None:
        final = decree.status != Decree.Status.DRAFT
    html = render_decree_html(decree, lampiran=lampiran, final=final)
    return html_to_pdf(html, pdf_variant=PDF_A if final else None)


def decree_filename(decree):
    number = re.sub(r"[^A-Za-z0-9]+", "-", decree.number).strip("-") or "draf"
    return f"SK-BANTAR-{decree.cycle.year}-{decree.cycle.period_roman}-{number}.pdf"
