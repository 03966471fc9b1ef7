"""Piagam Penghargaan: one landscape page per winning RT (awards/README.md).

    render_certificate_html(awards) -> str      one page per award, one document
    render_certificate_pdf(awards) -> bytes     WeasyPrint, static files only
    certificate_pdf_for_award(award, *, regenerate=False) -> bytes   the stored per-RT file
    render_certificates_job(job)                the background batch (documents/jobs.py)

Certificates exist only for a cycle whose decree is FINAL: the decree's number, date and
signatory are printed on them. A batch is rendered in WeasyPrint documents of at most
CHUNK_PAGES pages (one layout pass each, never one render per page) joined with pypdf: the
memory a batch needs stays that of one chunk whatever the number of RTs, and splitting a
batch into per-RT files costs the same per page (documents.pdf.PageFiles: each page is cut
from its own small chunk, the chunk's fonts written once for all its pages).
The QR code and the emblem are PNG images (the emblem rasterised once per process): drawing
an image is cheap where parsing an SVG again on every page is not; the QR's mask is chosen
as segno chooses it, only faster (awards/qr.py).
Each RT's certificate file is stored on its Award with its SHA-256 the
first time it is produced (by a download or a batch); regeneration is an explicit action.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from assessments.models import Cycle
from awards.identity import emblem_path, print_identity
from awards.models import Award, Decree
from awards.qr import qr_png_data_uri, verification_url
from documents.jobs import job_progress
from documents.pdf import (
    PDF_AUTHOR,
    PageFiles,
    emblem_png_data_uri,
    html_to_pdf,
    sha256_hex,
)
from rt_registry.templatetags.bantar import format_tanggal
from stored_files.integrity import read_stored_file

# Pages per WeasyPrint document: big enough that the fixed cost of a render is small, small
# enough that a chunk's layout fits well within the worker's memory.
CHUNK_PAGES = 100
EMBLEM_HEIGHT_MM = 23  # static/css/certificate.css .head .emblem

PREDICATE = {
    Award.Tier.BANTAR: "KAMPUNG BERSIH, AMAN DAN PINTAR (BANTAR)",
    Award.Tier.KENCANA: "KAMPUNG BANTAR KENCANA",
}


def final_decree_for(cycle):
    """The cycle's decree in force (the latest final one that awards rather than revokes),
    or a ValidationError that says why there is none."""
    decree = (
        Decree.objects.filter(cycle=cycle, status=Decree.Status.FINAL)
        .exclude(correction=Decree.Correction.MENCABUT)
        # An amendment of a revoked decree falls with it.
        .exclude(amends__status=Decree.Status.REVOKED)
        .order_by("-decided_on", "-pk")
        .first()
    )
    if decree is None:
        revoking = (
            Decree.objects.filter(
                cycle=cycle, status=Decree.Status.FINAL, correction=Decree.Correction.MENCABUT
            )
            .order_by("-decided_on", "-pk")
            .first()
        )
        if revoking is not None:
            raise ValidationError(
                f"Piagam periode {cycle} tidak dapat dibuat: SK Wali Kota periode ini telah "
                f"dicabut dengan SK Nomor {revoking.number}. Piagam baru menunggu SK pengganti.",
                code="decree_revoked",
            )
        raise ValidationError(
            f"Piagam periode {cycle} belum dapat dibuat: SK Wali Kota untuk periode ini "
            "belum final. Piagam memuat nomor dan tanggal SK, jadi SK harus ditetapkan dulu.",
            code="no_final_decree",
        )
    return decree


def decree_number_phrase(decree):
    """'Nomor 188 Tahun 2024': the number as running text cites it (Decree.number_in_text)."""
    return f"Nomor {decree.number_in_text()}"


def display_code(code):
    """ABCDE-FGHJK: easier to read aloud and type; the dash is ignored on lookup."""
    return f"{code[:5]}-{code[5:]}" if len(code) > 6 else code


def recipient_lines(award):
    p = award.proposal
    # Three short lines rather than one long one: the longest kelurahan and kecamatan
    # names of Kota Jambi still fit a line each, so every sheet keeps one layout.
    return [
        f"RUKUN TETANGGA (RT) {p.rt_number:02d}",
        f"KELURAHAN {p.kelurahan_name.upper()}",
        f"KECAMATAN {p.kecamatan_name.upper()}",
    ]


def predicate_lines(award):
    cycle = award.cycle
    return [
        PREDICATE[award.tier],
        f"KATEGORI {award.get_size_category_display().upper()} "
        f"TAHUN {cycle.year} PERIODE {cycle.period_roman}",
    ]


def certificate_filename(award):
    p = award.proposal
    return (
        f"piagam-{award.cycle.year}-{award.cycle.period_roman}-"
        f"{slugify(p.kelurahan_name)}-rt{p.rt_number:02d}.pdf"
    )


def _page(award, decree):
    url = verification_url(award.certificate_code)
    return {
        "award": award,
        "recipient_lines": recipient_lines(award),
        "ketua_name": award.proposal.ketua_name,
        "predicate_lines": predicate_lines(award),
        "qr_png": qr_png_data_uri(url),
        "verify_url": url,
        "code": display_code(award.certificate_code),
    }


def render_certificate_html(awards, *, decree=None, title=None):
    """One page per award, in the order given. All awards must be of one cycle."""
    awards = list(awards)
    if not awards:
        raise ValidationError("Tidak ada penghargaan untuk dibuatkan piagam.", code="empty")
    cycle = awards[0].cycle
    if any(a.cycle_id != cycle.pk for a in awards):
        raise ValidationError("Piagam dalam satu berkas harus dari satu periode.", code="mixed")
    decree = decree or final_decree_for(cycle)
    if title is None:
        title = f"Piagam Penghargaan Kampung BANTAR {cycle}"
        if len(awards) == 1:
            p = awards[0].proposal
            title += f" – RT {p.rt_number:02d} Kelurahan {p.kelurahan_name}"
    identity = print_identity("lambang")
    return render_to_string(
        "pdf/certificate.html",
        {
            "title": title,
            "author": PDF_AUTHOR,
            "pages": [_page(a, decree) for a in awards],
            "decree": decree,
            "decree_number": decree_number_phrase(decree),
            "decided_on": format_tanggal(decree.decided_on),
            "is_f4": decree.paper_size == Decree.PaperSize.F4,
            **identity,
            "emblem": certificate_emblem(identity),
        },
    )


def certificate_emblem(identity):
    """The lambang as the certificate draws it: an SVG (the placeholder) rasterised once to
    a PNG, which WeasyPrint draws cheaply on every page; an official upload is a PNG or
    JPEG already (awards/identity.py) and is used as it is."""
    path = emblem_path("lambang", identity=identity["identity"])
    if path.suffix.lower() == ".svg":
        return emblem_png_data_uri(path, height_mm=EMBLEM_HEIGHT_MM)
    return identity["emblems"]["lambang"]


def render_certificate_pdf(awards, *, decree=None, title=None):
    """One PDF, one page per award; rendered CHUNK_PAGES at a time and joined."""
    awards = list(awards)
    return join_pdfs(
        [data for _, data in render_certificate_chunks(awards, decree=decree, title=title)]
    )


def render_certificate_chunks(awards, *, decree=None, title=None):
    """(awards of the chunk, its PDF) for each chunk of at most CHUNK_PAGES, in order."""
    awards = list(awards)
    if not awards:  # the same refusal as the HTML
        render_certificate_html(awards, decree=decree, title=title)
    for start in range(0, len(awards), CHUNK_PAGES):
        chunk = awards[start : start + CHUNK_PAGES]
        yield chunk, html_to_pdf(render_certificate_html(chunk, decree=decree, title=title))


def join_pdfs(parts):
    """The PDFs one after another, with the first one's metadata (title, author...)."""
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for i, part in enumerate(parts):
        reader = PdfReader(io.BytesIO(part))
        writer.append(reader)
        if i == 0 and reader.metadata:
            writer.add_metadata(reader.metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def awards_for_certificates(queryset):
    """The columns a certificate prints, in one query; city order (kecamatan, kelurahan, RT)."""
    return queryset.select_related("proposal", "cycle").order_by(
        "proposal__kecamatan_name", "proposal__kelurahan_name", "proposal__rt_number"
    )


def store_certificate(award, data):
    """Keep `data` as the award's certificate file (only certificate fields change, which
    the lock allows after the decree is final)."""
    award.certificate_pdf.save(certificate_filename(award), ContentFile(data), save=False)
    award.certificate_sha256 = sha256_hex(data)
    award.save(update_fields=["certificate_pdf", "certificate_sha256"])


def certificate_pdf_for_award(award, *, regenerate=False):
    """The RT's certificate as stored; rendered and stored the first time (or on an
    explicit regeneration). Locks the row so two first downloads store one file."""
    decree = final_decree_for(award.cycle)
    with transaction.atomic():
        award = awards_for_certificates(Award.objects.select_for_update(of=("self",))).get(
            pk=award.pk
        )
        if award.certificate_sha256 and award.certificate_pdf and not regenerate:
            return read_stored_file(award.certificate_pdf)
        data = render_certificate_pdf([award], decree=decree)
        store_certificate(award, data)
        return data


# --- Batches (background worker) -------------------------------------------------------


def batch_subject(*, cycle, scope="cycle", area=None):
    """Job subject: certificates:cycle:<cycle> / certificates:kecamatan:<cycle>:<id> /
    certificates:kelurahan:<cycle>:<id>."""
    if scope == "cycle":
        return f"certificates:cycle:{cycle.pk}"
    return f"certificates:{scope}:{cycle.pk}:{area.pk}"


def parse_batch_subject(subject):
    parts = subject.split(":")
    if parts[0] != "certificates" or parts[1] not in ("cycle", "kecamatan", "kelurahan"):
        raise ValidationError(f"Subjek piagam tidak dikenal: {subject}.", code="bad_subject")
    scope, cycle_id = parts[1], int(parts[2])
    area_id = int(parts[3]) if scope != "cycle" else None
    return scope, cycle_id, area_id


def batch_awards(*, cycle_id, scope, area_id):
    awards = Award.objects.filter(cycle_id=cycle_id)
    if scope == "kecamatan":
        awards = awards.filter(rt__kelurahan__kecamatan_id=area_id)
    elif scope == "kelurahan":
        awards = awards.filter(rt__kelurahan_id=area_id)
    return awards_for_certificates(awards)


def batch_filename(awards, scope):
    first = awards[0]
    name = f"piagam-{first.cycle.year}-{first.cycle.period_roman}"
    if scope == "kecamatan":
        name += f"-kecamatan-{slugify(first.proposal.kecamatan_name)}"
    elif scope == "kelurahan":
        name += f"-kelurahan-{slugify(first.proposal.kelurahan_name)}"
    else:
        name += "-semua"
    return name + ".pdf"


def render_certificates_job(job):
    """RENDERERS["certificates"]: one document for the cycle, a kecamatan or a kelurahan."""

    scope, cycle_id, area_id = parse_batch_subject(job.subject)
    awards = list(batch_awards(cycle_id=cycle_id, scope=scope, area_id=area_id))
    if not awards:
        raise ValidationError("Tidak ada RT penerima piagam di wilayah ini.", code="empty")
    decree = final_decree_for(awards[0].cycle)
    total = len(awards)
    job_progress(job, 0, total)
    title = f"Piagam Penghargaan Kampung BANTAR {awards[0].cycle} ({total} RT)"
    parts, done = [], 0
    for chunk, data in render_certificate_chunks(awards, decree=decree, title=title):
        # Each chunk gives its pages to the RTs still without a file, as it comes.
        store_first_certificates(chunk, data)
        parts.append(data)
        done += len(chunk)
        job_progress(job, done, total)
    return batch_filename(awards, scope), join_pdfs(parts)


def store_first_certificates(awards, batch_pdf):
    """Awards that have no stored certificate yet get their own page of this batch as
    their file: the first generation after the decree is final, without N more renders.

    A constant number of queries whatever the batch size: one locking read of the awards
    still without a file (a download may have stored one while the batch rendered; that
    file is kept), then one bulk update of the two certificate fields with their history
    rows (simple-history's bulk_update_with_history, as save() would record them). Only
    certificate fields are written, which the cycle lock always allows (Award.save's
    check is about the other fields)."""
    missing = [i for i, a in enumerate(awards) if not a.certificate_sha256]
    if not missing:
        return
    from simple_history.utils import bulk_update_with_history

    pages = PageFiles(batch_pdf)
    if len(pages.pages) != len(awards):
        # One page per award is the template's promise; never store a wrong page.
        raise ValidationError(
            f"Berkas piagam berisi {len(pages.pages)} halaman untuk {len(awards)} RT.",
            code="page_count",
        )
    files = {}
    for i in missing:
        title = f"Piagam Penghargaan – {' '.join(recipient_lines(awards[i]))}"
        files[awards[i].pk] = (awards[i], pages.page_file(i, title=title))
    with transaction.atomic():
        still_missing = list(
            Award.objects.select_for_update()
            .filter(pk__in=files, certificate_sha256="")
            .order_by("pk")
        )
        for award in still_missing:
            batch_award, data = files[award.pk]
            award.proposal, award.cycle = batch_award.proposal, batch_award.cycle
            award.certificate_pdf.save(certificate_filename(award), ContentFile(data), save=False)
            award.certificate_sha256 = sha256_hex(data)
        if still_missing:
            bulk_update_with_history(
                still_missing, Award, ["certificate_pdf", "certificate_sha256"], batch_size=500
            )


def job_links(job):
    """The progress page's links (documents.jobs.LINKS): back to the certificate list,
    then the payments list."""
    _, cycle_id, _ = parse_batch_subject(job.subject)
    if not Cycle.objects.filter(pk=cycle_id).exists():
        return []
    return [
        ("Kembali ke daftar piagam", reverse("awards:certificate-list", args=[cycle_id])),
        (
            "Lanjut: unduh daftar pembayaran (xlsx)",
            reverse("awards:payments-xlsx", args=[cycle_id]),
        ),
    ]
